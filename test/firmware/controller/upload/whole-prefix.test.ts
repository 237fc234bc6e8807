/** The streaming whole-element prefix agrees with evidence's wholeClipLength at every cut and any piece sizes. */
import t from 'tap';
import { MatroskaMuxer, type MuxUnit, wholeClipLength } from '../../../../firmware/common/evidence/index.js';
import { fixtureFromFile } from '../../../../hal/video/fixture.js';
import { WholeElementPrefix } from '../../../../firmware/controller/upload/whole-prefix.js';

const fixture = fixtureFromFile();

function clip(): Uint8Array {
  const m = new MatroskaMuxer({ maxClusterMs: 500 });
  const parts: Uint8Array[] = [];
  fixture.units.forEach((u, i) => { const unit: MuxUnit = { data: u.data, keyframe: u.keyframe, pts: i * 33, duration: 33 }; parts.push(m.push(unit)); });
  parts.push(m.finish());
  return Buffer.concat(parts);
}

t.test('same length as wholeClipLength for torn clips, fed in pieces of any size', async (t) => {
  const whole = clip();
  let seed = 7;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  let checked = 0;
  for (let cut = 0; cut <= whole.length; cut += Math.max(1, Math.floor(whole.length / 300)) + rand(5)) {
    const torn = whole.subarray(0, cut);
    const expected = wholeClipLength(torn);
    for (const piece of [1, 7, 100, 4096, 1 + rand(3000)]) {
      const p = new WholeElementPrefix();
      for (let at = 0; at < torn.length; at += piece) p.push(torn.subarray(at, at + piece));
      if (p.whole !== expected) { t.equal(p.whole, expected, `cut at ${cut}, pieces of ${piece}`); return; }
      checked++;
    }
  }
  t.ok(checked > 1000, `${checked} cuts and piece sizes agree`);
  const p = new WholeElementPrefix();
  p.push(whole);
  t.equal(p.whole, whole.length, 'an untorn clip is whole');
});

t.test('not a clip, or no whole frame: 0', async (t) => {
  const p = new WholeElementPrefix();
  p.push(new Uint8Array([0, 1, 2, 3]));
  t.equal(p.whole, 0);
  const head = clip().subarray(0, 300);
  const q = new WholeElementPrefix();
  q.push(head);
  t.equal(q.whole, 0, 'header only: nothing worth keeping');
});
