import t from 'tap';
import { clockContract } from './suite.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { Timeline } from '../../../hal/clock/emulated.js';

clockContract(t, 'system clock', () => {
  const clock = new SystemClock();
  return { clock, pass: (ms) => new Promise((r) => setTimeout(r, ms + 5)) };
});

clockContract(t, 'virtual clock', () => {
  const timeline = new Timeline();
  return { clock: timeline.clock(), pass: (ms) => timeline.advance(ms) };
});
