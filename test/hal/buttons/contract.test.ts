import t from 'tap';
import { buttonsContract } from './suite.js';
import { EmulatedButtons } from '../../../hal/buttons/emulated.js';
import { DEFAULT_KEYMAP, KEY_PRESS, KEY_RELEASE } from '../../../hal/buttons/evdev.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { evdevFifo, key, syn } from './evdev-stream.js';

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

buttonsContract(t, 'emulated buttons', async () => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  await timeline.advance(1000);
  const buttons = new EmulatedButtons({ clock, name: 'cam1' });
  return {
    buttons,
    clock,
    press: async (b) => { buttons.press(b); await timeline.advance(10); },
    release: async (b) => { buttons.release(b); await timeline.advance(10); },
    tap: async (b, holdMs) => {
      const done = buttons.tap(b, holdMs);
      await timeline.advance(holdMs);
      await done;
      return holdMs;
    },
    vanish: async () => { buttons.disconnect(); },
    until,
    cleanup: async () => {},
  };
});

const codeOf = (button: string) => Number(Object.entries(DEFAULT_KEYMAP).find(([, b]) => b === button)![0]);

buttonsContract(t, 'evdev buttons (FIFO of kernel records)', async () => {
  const fifo = await evdevFifo({ clock: new SystemClock() });
  const edge = async (button: string, value: number, timeMs = Date.now()) => fifo.write([key(codeOf(button), value, timeMs), syn(timeMs)]);
  return {
    buttons: fifo.buttons,
    clock: new SystemClock(),
    press: (b) => edge(b, KEY_PRESS),
    release: (b) => edge(b, KEY_RELEASE),
    tap: async (b, holdMs) => {
      const down = Date.now();
      await edge(b, KEY_PRESS, down);
      await new Promise((r) => setTimeout(r, holdMs));
      const up = Date.now();
      await edge(b, KEY_RELEASE, up);
      return up - down;
    },
    vanish: () => fifo.closeWriter(),
    until,
    cleanup: () => fifo.cleanup(),
  };
});
