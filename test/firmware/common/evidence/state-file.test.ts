/** The recording state file decoder: round trip, each bad field named, and a fuzz of malformed files. */
import t from 'tap';
import { EvidenceError, STATE_FORMAT, decodeState, encodeState, type RecordingState } from '../../../../firmware/common/evidence/index.js';
import { meta } from './helpers.js';

const good: RecordingState = {
  format: STATE_FORMAT, recordingId: '00112233445566778899aabbccddeeff', sealedKey: Buffer.alloc(80, 7).toString('base64'),
  chunkSize: 1048576, digestAlgorithm: 'DIGEST_ALGORITHM_SHA_256', status: 'closed', chunkCount: 5, chunkFileBytes: 5000,
  totalBytes: 4700, meta, end: { triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: 2, stopTimeMs: 3 },
  clips: [{ firstChunk: 0, chunkCount: 2, startTimeMs: 1, stopTimeMs: 2 }, { firstChunk: 2, chunkCount: 3, startTimeMs: 2, stopTimeMs: 3 }],
  openClip: null, bookmarks: [1, 2],
};
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

t.test('round trip', async (t) => {
  t.same(decodeState(encodeState(good), 'f'), good);
});

t.test('a state file from before bookmarks decodes with none', async (t) => {
  const { bookmarks: _, ...old } = good;
  t.same(decodeState(enc(old), 'f').bookmarks, []);
});

t.test('each bad field is named with what was expected', async (t) => {
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['format', (s) => { s.format = 'x'; }, /f: format is "x", expected "bwc-recording-state\/1"/],
    ['recordingId', (s) => { s.recordingId = 'AB'; }, /recordingId is "AB", expected 32 lowercase hex digits/],
    ['sealedKey', (s) => { s.sealedKey = '!!'; }, /sealedKey .* expected base64 of 1 to 512 bytes/],
    ['chunkSize', (s) => { s.chunkSize = 0; }, /chunkSize is 0, expected an integer from 1 to 4194304/],
    ['digest', (s) => { s.digestAlgorithm = 'MD5'; }, /digestAlgorithm is "MD5"/],
    ['status', (s) => { s.status = 'done'; }, /status is "done", expected open, closed or interrupted/],
    ['totalBytes', (s) => { s.totalBytes = 6000; }, /totalBytes is 6000, expected at most chunkFileBytes \(5000\)/],
    ['meta', (s) => { delete s.meta.userId; }, /meta.userId missing, expected a string/],
    ['trigger', (s) => { s.meta.triggerOnReason = 'BUTTON'; }, /meta.triggerOnReason is "BUTTON", expected a TRIGGER_REASON_\* name/],
    ['end', (s) => { s.end = null; }, /end is null, expected the stop reason and times of a closed recording/],
    ['clip overlap', (s) => { s.clips[1].firstChunk = 1; }, /clips\[1\].firstChunk is 1, expected an integer from 2/],
    ['clip past end', (s) => { s.clips[1].chunkCount = 4; }, /clips\[1\].chunkCount is 4, expected clip within the recording's 5 chunks/],
    ['time', (s) => { s.end.stopTimeMs = -1; }, /end.stopTimeMs is -1, expected a time in ms/],
    ['bookmarks', (s) => { s.bookmarks = 5; }, /bookmarks is 5, expected an array of at most 1000 times/],
    ['bookmark order', (s) => { s.bookmarks = [2, 2]; }, /bookmarks\[1\] is 2, expected a time after the previous bookmark \(2\)/],
    ['bookmark time', (s) => { s.bookmarks = ['x']; }, /bookmarks\[0\] is "x", expected a time in ms/],
  ];
  for (const [name, mutate, message] of cases) {
    const s = structuredClone(good) as Record<string, any>;
    mutate(s);
    t.throws(() => decodeState(enc(s), 'f'), { name: 'EvidenceError', code: 'ESTATE', message }, name);
  }
  t.throws(() => decodeState(new TextEncoder().encode('{'), 'f'), { code: 'ESTATE', message: /f: not a JSON recording state file/ });
  t.throws(() => decodeState(Uint8Array.of(0xff, 0xfe), 'f'), { code: 'ESTATE' }, 'not UTF-8');
  t.throws(() => decodeState(enc([1]), 'f'), { code: 'ESTATE', message: /state is \[1\], expected an object/ });
});

/** xorshift32, so FUZZ_SEED repeats a run. */
function rng(seed: number) {
  let x = seed || 1;
  return (n: number) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
}

t.test('fuzz: malformed state files give ESTATE, never another error', async (t) => {
  const seed = Number(process.env.FUZZ_SEED ?? 12345);
  const r = rng(seed);
  const base = encodeState(good);
  const tokens = ['null', '1e400', '-0', '"', '{', '}', '[', ']', ',', ':', '\\u0000', 'true', '1.5', '9007199254740993', '"open"', '"x"'];
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let b: Uint8Array;
    const kind = r(4);
    if (kind === 0) b = Uint8Array.from({ length: r(200) }, () => r(256));
    else {
      const text = Array.from(new TextDecoder().decode(base));
      const edits = 1 + r(4);
      for (let e = 0; e < edits; e++) {
        const at = r(text.length + 1);
        if (kind === 1) text.splice(at, 1 + r(8));
        else if (kind === 2) text.splice(at, 0, tokens[r(tokens.length)]!);
        else text[at] = String.fromCharCode(r(128));
      }
      b = new TextEncoder().encode(text.join(''));
    }
    try {
      decodeState(b, 'fuzz');
      accepted++;
    } catch (e) {
      if (!(e instanceof EvidenceError) || e.code !== 'ESTATE') {
        t.fail(`seed ${seed} input ${i}: ${(e as Error).name}: ${(e as Error).message}`);
        return;
      }
    }
  }
  t.pass(`20000 inputs (seed ${seed}): ${accepted} accepted as valid, the rest ESTATE`);
});
