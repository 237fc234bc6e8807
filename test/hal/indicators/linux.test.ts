/** Linux leds-class driver: finding LEDs, what it writes to sysfs, vibrator, sound command, errors. */
import t from 'tap';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeLeds } from './fake-sysfs.js';
import { passWithIo } from '../step-with-io.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { LinuxIndicators } from '../../../hal/indicators/linux.js';
import { beeps, flash, pulses, sequence, steady, voice } from '../../../hal/indicators/patterns.js';
import { ConfigError, DeviceMissingError, type HalError } from '../../../hal/errors.js';

function virtual() {
  const timeline = new Timeline();
  return { timeline, clock: timeline.clock() };
}

t.test('finds LEDs by <device>:<color>:<function>, mixes amber, ignores others, turns all off', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  await writeFile(join(fake.root, 'bwc:red:status', 'brightness'), '255\n');
  const ind = await LinuxIndicators.open({ clock: virtual().clock, root: fake.root });
  t.teardown(() => ind.close());
  t.same(ind.capabilities(), {
    leds: { front: ['red'], recording: ['red', 'green', 'amber'], status: ['red', 'green', 'amber'] },
    vibration: true, sound: false, voicePrompts: [],
  });
  t.equal(await fake.read('bwc:red:status', 'brightness'), '0', 'a LED left on by the boot loader is turned off');
  t.equal(await fake.read('bwc:red:status', 'trigger'), 'none');
});

t.test('explicit LED map for boards with other names; missing LEDs name <root>/<name>/brightness', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  const clock = virtual().clock;
  const ind = await LinuxIndicators.open({ clock, root: fake.root, leds: { power: { red: 'bwc:red:front' } }, vibrator: null });
  t.same(ind.capabilities().leds, { power: ['red'] });
  t.equal(ind.capabilities().vibration, false, 'vibrator: null means none');
  await ind.close();
  await t.rejects(LinuxIndicators.open({ clock, root: fake.root, leds: { status: { green: 'ACT' } } }),
    { name: 'DeviceMissingError', message: /LED ACT not found at .*\/ACT: expected .*\/ACT\/brightness/ });
  await t.rejects(LinuxIndicators.open({ clock, root: fake.root, leds: { status: { pink: 'ACT' } as never } }), ConfigError);
  await t.rejects(LinuxIndicators.open({ clock, root: fake.root, device: 'cam' }),
    /LEDs not found at .*: expected LED directories named cam:<color>:<function> .*\(found: bwc::vibrator, bwc:green:recording/);
  await t.rejects(LinuxIndicators.open({ clock, root: join(fake.root, 'nope') }), DeviceMissingError);
  await mkdir(join(fake.root, 'sensor:red:status'));
  await writeFile(join(fake.root, 'sensor:red:status', 'brightness'), '0');
  await writeFile(join(fake.root, 'sensor:red:status', 'max_brightness'), '1');
  await t.rejects(LinuxIndicators.open({ clock, root: fake.root }), { name: 'ConfigError', message: /bwc:red:status and sensor:red:status are both red status: set the device option/ });
  const bwc = await LinuxIndicators.open({ clock, root: fake.root, device: 'bwc' });
  t.same(bwc.capabilities().leds.status, ['red', 'green', 'amber'], 'the device option picks ours');
  await bwc.close();
});

t.test('steady writes trigger none and max_brightness; flash uses the timer trigger', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  await writeFile(join(fake.root, 'bwc:red:front', 'max_brightness'), '1\n');
  const ind = await LinuxIndicators.open({ clock: virtual().clock, root: fake.root });
  t.teardown(() => ind.close());
  await ind.setLed('front', steady('red'));
  t.equal(await fake.read('bwc:red:front', 'brightness'), '1', 'max_brightness of this LED');
  await ind.setLed('status', flash('amber', 100, 900));
  for (const led of ['bwc:red:status', 'bwc:green:status']) {
    t.same([await fake.read(led, 'trigger'), await fake.read(led, 'delay_on'), await fake.read(led, 'delay_off')], ['timer', '100', '900'], led);
  }
});

t.test('timer trigger files missing after setting the trigger: DeviceMissingError naming the module', async (t) => {
  const fake = await fakeLeds({ triggerFiles: false, vibrator: false });
  t.teardown(() => fake.cleanup());
  const ind = await LinuxIndicators.open({ clock: virtual().clock, root: fake.root });
  t.teardown(() => ind.close());
  await t.rejects(ind.setLed('front', flash('red')), { name: 'DeviceMissingError', message: /delay_on.*ledtrig-timer/ });
});

t.test('without a timer trigger, a flash is stepped with the clock', async (t) => {
  const fake = await fakeLeds({ timer: false });
  t.teardown(() => fake.cleanup());
  const { timeline, clock } = virtual();
  const ind = await LinuxIndicators.open({ clock, root: fake.root });
  t.teardown(() => ind.close());
  const pass = (ms: number) => passWithIo(timeline, ms, () => ind.settled());
  await ind.setLed('front', flash('red', 100, 300));
  const seen: string[] = [];
  for (const step of [0, 50, 100, 200, 50]) {
    await pass(step);
    seen.push(await fake.read('bwc:red:front', 'brightness'));
  }
  t.same(seen, ['255', '255', '0', '0', '255'], 'at 0, 50, 150, 350, 400 ms');
  t.equal(await fake.read('bwc:red:front', 'trigger'), 'none');
  t.same(ind.state().leds.front, flash('red', 100, 300));
});

t.test('a sequence step that fails to write goes to onError, and stepping stops', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  const { timeline, clock } = virtual();
  const errors: HalError[] = [];
  const ind = await LinuxIndicators.open({ clock, root: fake.root, onError: (e) => errors.push(e) });
  t.teardown(() => ind.close());
  await ind.setLed('front', sequence([{ color: 'red', ms: 100 }, { color: null, ms: 100 }]));
  await rm(join(fake.root, 'bwc:red:front'), { recursive: true });
  await passWithIo(timeline, 500, () => ind.settled());
  t.equal(errors.length, 1);
  t.match(errors[0]?.message, /bwc:red:front attribute .* not found/);
  t.equal(clock.pendingTimers, 0, 'no more steps');
});

t.test('vibrator: transient trigger, one activation per pulse, activate 0 to stop', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  const { timeline, clock } = virtual();
  const ind = await LinuxIndicators.open({ clock, root: fake.root });
  t.teardown(() => ind.close());
  const pass = (ms: number) => passWithIo(timeline, ms, () => ind.settled());
  const vib = 'bwc::vibrator';
  t.equal(await fake.read(vib, 'trigger'), 'transient');
  const done = ind.vibrate(pulses(2, 300, 200));
  await pass(0);
  t.same([await fake.read(vib, 'state'), await fake.read(vib, 'duration'), await fake.read(vib, 'activate')], ['1', '300', '1']);
  await writeFile(join(fake.root, vib, 'activate'), '0'); // the kernel ends the pulse
  await pass(499);
  t.equal(await fake.read(vib, 'activate'), '0', 'no second pulse before 500 ms');
  await pass(1);
  t.equal(await fake.read(vib, 'activate'), '1', 'second pulse at 500 ms');
  await pass(300);
  await done;
  const stopped = ind.vibrate(pulses(5, 1000, 1000));
  await pass(0);
  await ind.vibrate(null);
  await stopped;
  t.equal(await fake.read(vib, 'activate'), '0', 'stopped');
});

t.test('a vibrator LED without the transient trigger is no vibration', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  await writeFile(join(fake.root, 'bwc::vibrator', 'trigger'), '[none] timer\n');
  const ind = await LinuxIndicators.open({ clock: virtual().clock, root: fake.root });
  t.teardown(() => ind.close());
  t.equal(ind.capabilities().vibration, false);
  await t.rejects(ind.vibrate(pulses(1)), /vibrate is not supported by linux-leds/);
});

t.test('sound: beeps are a WAV piped to the player; prompts are piped as they are', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  const out = join(fake.root, 'played');
  const prompt = join(fake.root, 'prompt.wav');
  await writeFile(prompt, 'RIFF-prompt');
  const ind = await LinuxIndicators.open({
    clock: virtual().clock, root: fake.root, sound: { command: ['sh', '-c', 'cat > "$0"', out], prompts: { hello: prompt }, sampleRate: 8000 },
  });
  t.teardown(() => ind.close());
  t.same(ind.capabilities().voicePrompts, ['hello']);
  await ind.sound(beeps(3, { durationMs: 100, gapMs: 50, toneHz: 1000 }));
  const wav = await readFile(out);
  t.equal(wav.subarray(0, 4).toString(), 'RIFF');
  t.equal(wav.subarray(8, 12).toString(), 'WAVE');
  t.equal(wav.length, 44 + 2 * 8000 * 0.4, '400 ms of 16-bit mono at 8 kHz');
  await ind.sound(voice('hello'));
  t.equal((await readFile(out)).toString(), 'RIFF-prompt');
});

t.test('sound errors: missing player, failing player, missing prompt file', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  const clock = virtual().clock;
  const a = await LinuxIndicators.open({ clock, root: fake.root, sound: { command: ['/nonexistent/aplay', '-q', '-'] } });
  await t.rejects(a.sound(beeps(1)), { name: 'DeviceMissingError', message: /sound player not found at \/nonexistent\/aplay: expected an executable that plays WAV from stdin/ });
  t.equal(a.state().sound, null);
  await a.close();
  const b = await LinuxIndicators.open({ clock, root: fake.root, sound: { command: ['sh', '-c', 'echo no audio device >&2; exit 3'] } });
  await t.rejects(b.sound(beeps(1)), { code: 'EIO', message: /exited with 3: no audio device/ });
  await b.close();
  await t.rejects(LinuxIndicators.open({ clock, root: fake.root, sound: { command: ['aplay'], prompts: { x: '/nonexistent.wav' } } }),
    /voice prompt x not found at \/nonexistent.wav: expected a readable WAV file/);
  await t.rejects(LinuxIndicators.open({ clock, root: fake.root, sound: { command: [] } }), ConfigError);
});

t.test('with the system clock, vibration pulses run on real timers', async (t) => {
  const fake = await fakeLeds();
  t.teardown(() => fake.cleanup());
  const ind = await LinuxIndicators.open({ clock: new SystemClock(), root: fake.root });
  t.teardown(() => ind.close());
  const start = performance.now();
  await ind.vibrate(pulses(2, 20, 20));
  t.ok(performance.now() - start >= 55, 'took about the 60 ms of the pattern');
  t.equal(ind.state().vibration, null);
});
