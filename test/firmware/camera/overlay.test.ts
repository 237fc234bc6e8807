import t from 'tap';
import { MICROPHONE_OFF_TEXT, OverlayService, overlayLines, overlayPosition, POSITION_STALE_MS } from '../../../firmware/camera/overlay.js';
import { silentLog } from '../../../firmware/common/log.js';
import type { FixListener, Gnss } from '../../../hal/gnss/contract.js';
import type { VideoOverlay } from '../../../hal/video/contract.js';
import { Timeline } from '../../../hal/clock/emulated.js';

const all = { userName: true, userId: true, position: true };
const none = { userName: false, userId: false, position: false };
const facts = { userName: 'Ada Lovelace', userId: 'SE-4711', position: { latitude: 59.332424, longitude: -18.064912 }, microphoneOff: false };

t.test('overlay lines: the user on the first line, position and microphone on the second; each by its setting', async (t) => {
  t.same(overlayLines(all, facts), ['Ada Lovelace  ID SE-4711', '59.33242N 18.06491W']);
  t.same(overlayLines({ ...none, userId: true }, facts), ['ID SE-4711']);
  t.same(overlayLines(none, facts), [], 'all off: nothing');
  t.same(overlayLines(none, { ...facts, microphoneOff: true }), ['', MICROPHONE_OFF_TEXT], 'microphone off shows even with every overlay off');
  t.same(overlayLines(all, { ...facts, userId: '', position: undefined }), ['Ada Lovelace'], 'no user id, no fix: those parts are left out');
  t.equal(overlayPosition({ latitude: -33.8688, longitude: 151.2093 }), '33.86880S 151.20930E');
});

t.test('the service follows user, profile, fixes and the microphone; a stale fix is not shown', async (t) => {
  const shown: string[][] = [];
  const display: VideoOverlay = { capacity: { lines: 2, columns: 40 }, lines: [], set: (l) => { shown.push([...l]); } };
  let listener: FixListener | undefined;
  const gnss = { onFix: (l: FixListener) => { listener = l; return () => { listener = undefined; }; } } as unknown as Gnss;
  const timeline = new Timeline();
  const s = new OverlayService(display, all, gnss, timeline.clock(), silentLog);
  s.update({ userName: 'Ada Lovelace', userId: 'SE-4711' });
  t.same(shown.at(-1), ['Ada Lovelace  ID SE-4711']);
  listener!({ latitude: 51.5007, longitude: -0.1246, timeMs: 0 } as never);
  t.same(shown.at(-1), ['Ada Lovelace  ID SE-4711', '51.50070N 0.12460W']);
  s.update({ microphoneOff: true });
  t.same(shown.at(-1), ['Ada Lovelace  ID SE-4711', '51.50070N 0.12460W  MIC OFF']);
  s.update({ microphoneOff: false });
  await timeline.advance(POSITION_STALE_MS + 2);
  t.same(shown.at(-1), ['Ada Lovelace  ID SE-4711'], 'with no fix for 5 s (receiver off, sky lost) the position is taken off');
  s.setProfile(none);
  t.same(shown.at(-1), []);
  s.close();
  t.equal(listener, undefined, 'close() stops listening to the receiver');
  const failing = new OverlayService({ ...display, set: () => { throw new Error('disk full'); } }, all, undefined, timeline.clock(), silentLog);
  t.doesNotThrow(() => failing.update({ userName: 'x' }), 'a display that fails is logged, the camera carries on');
});
