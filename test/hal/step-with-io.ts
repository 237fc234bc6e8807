/** Step virtual time instant by instant, letting a driver's real file I/O finish between instants. */
import type { Timeline } from '../../hal/clock/emulated.js';

export async function passWithIo(timeline: Timeline, ms: number, settled: () => Promise<void>): Promise<void> {
  const end = timeline.time + ms;
  await settled();
  for (;;) {
    const due = timeline.nextDue();
    if (due === undefined || due > end) break;
    await timeline.advanceTo(due);
    await settled();
  }
  await timeline.advanceTo(end);
  await settled();
}
