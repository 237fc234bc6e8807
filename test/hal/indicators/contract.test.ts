import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { indicatorsContract, type IndicatorsHarness, type Shown } from './suite.js';
import { fakeLeds } from './fake-sysfs.js';
import { passWithIo } from '../step-with-io.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { LinuxIndicators } from '../../../hal/indicators/linux.js';
import { EmulatedIndicators } from '../../../hal/indicators/emulated.js';

// Linux against a temp dir shaped like /sys/class/leds, read back file by file; virtual time,
// stepped with the driver's writes settled in between.
async function linux(full: boolean): Promise<IndicatorsHarness> {
  const fake = await fakeLeds({ vibrator: full });
  const timeline = new Timeline();
  let sound;
  if (full) {
    const prompt = join(fake.root, 'privacy-zone.wav');
    await writeFile(prompt, 'RIFF....WAVE');
    sound = { command: ['sh', '-c', 'cat > /dev/null'], prompts: { 'privacy-zone': prompt } };
  }
  const indicators = await LinuxIndicators.open({ clock: timeline.clock(), root: fake.root, device: 'bwc', sound });
  return {
    indicators,
    pass: (ms) => passWithIo(timeline, ms, () => indicators.settled()),
    shows: async (name) => { await indicators.settled(); return fake.shows(name); },
    cleanup: async () => { await indicators.close(); await fake.cleanup(); },
  };
}

indicatorsContract(t, 'linux leds (vibrator, sound command)', () => linux(true));
indicatorsContract(t, 'linux leds (LEDs only)', () => linux(false));

function emulated(full: boolean): IndicatorsHarness {
  const timeline = new Timeline();
  const indicators = new EmulatedIndicators({
    clock: timeline.clock(), device: 'cam1', vibration: full, sound: full, voicePrompts: full ? { 'privacy-zone': 1800 } : {},
  });
  return {
    indicators,
    pass: (ms) => timeline.advance(ms),
    shows: async (name): Promise<Shown> => {
      const p = indicators.current().leds[name]!.pattern;
      if (p.kind !== 'sequence') return p;
      const color = indicators.colorAt(name);
      return color ? { kind: 'steady', color } : { kind: 'off' };
    },
    cleanup: () => indicators.close(),
  };
}

indicatorsContract(t, 'emulated indicators (all outputs)', async () => emulated(true));
indicatorsContract(t, 'emulated indicators (LEDs only)', async () => emulated(false));
