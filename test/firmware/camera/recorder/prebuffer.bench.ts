// Measures the prebuffer at 1080p30, 12 Mbit/s: ingest cost as CPU % of one core, and record press
// to prebuffer handed to the sink. Run: node --import=./node_modules/@tapjs/typescript/dist/esm/import.mjs test/firmware/camera/recorder/prebuffer.bench.ts
import { performance } from 'node:perf_hooks';
import { Timeline } from '../../../../hal/clock/emulated.js';
import type { AccessUnit, AccessUnitListener, VideoStream } from '../../../../hal/video/contract.js';
import { PrebufferRing } from '../../../../firmware/camera/recorder/prebuffer-ring.js';
import { InMemorySink } from '../../../../firmware/camera/recorder/in-memory-sink.js';
import { startRecorder } from '../../../../firmware/camera/recorder/recorder.js';

const FPS = 30, BITRATE = 12_000_000, HOUR_UNITS = 3600 * FPS;
const UNIT = Math.round(BITRATE / 8 / FPS); // 50 kB
const KEY = UNIT * 4, DELTA = Math.round((BITRATE / 8 - KEY) / (FPS - 1));
const pool = new Uint8Array(KEY);
function makeUnits(n: number): AccessUnit[] {
  return Array.from({ length: n }, (_, i) => {
    const keyframe = i % FPS === 0;
    return { data: pool.subarray(0, keyframe ? KEY : DELTA), keyframe, pts: (i * 1000) / FPS, duration: 1000 / FPS, sequence: i };
  });
}
const units = makeUnits(HOUR_UNITS);
const MAX_BYTES = 64 * 1024 * 1024;

function cpu(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000; // ms
}

// Baseline: a loop that only touches each unit (what any listener pays).
let sink = 0;
const base = cpu(() => { for (const u of units) sink += u.data.byteLength; });

// 1. The ring alone, 30 s prebuffer.
const ring = new PrebufferRing({ lengthMs: 30_000, maxBytes: MAX_BYTES });
let peak = 0;
const ringMs = cpu(() => { for (const u of units) { ring.push(u); if (ring.heldBytes > peak) peak = ring.heldBytes; } });

// 2. The whole listener path: recorder machine step + ring, through a hand-driven stream.
const timeline = new Timeline();
const clock = timeline.clock();
let listener: AccessUnitListener = () => {};
const video = {
  info: { codec: 'h264', width: 1920, height: 1080, fps: FPS, profile: 'high' }, state: 'running',
  stats: { produced: 0, delivered: 0, dropped: 0 }, lastError: undefined,
  onAccessUnit: (l: AccessUnitListener) => { listener = l; return () => {}; }, onError: () => () => {},
  start: async () => {}, stop: async () => {},
} as VideoStream;
const memory = new InMemorySink();
const recorder = startRecorder({
  video, clock, sink: memory, prebufferMaxBytes: MAX_BYTES,
  config: { prebufferMs: 30_000, postbufferMs: 10_000, alwaysRecord: false, activation: 'single-press' },
});
const listenerMs = cpu(() => { for (const u of units) listener(u); });

// 3. Record press to prebuffer handed to the sink (in-memory sink: the recorder's own cost).
const held = recorder.prebuffer()!;
const t0 = performance.now();
recorder.recordPress();
await recorder.settled();
const handoff = performance.now() - t0;

const pct = (ms: number) => ((ms / (3600 * 1000)) * 100).toFixed(3);
console.log(JSON.stringify({
  stream: `1080p${FPS} ${BITRATE / 1e6} Mbit/s, keyframe ${KEY} B + ${FPS - 1} x ${DELTA} B per second, 1 h = ${HOUR_UNITS} units`,
  baselineCpuMs: +base.toFixed(1),
  ringCpuMs: +ringMs.toFixed(1), ringCpuPercentOfOneCore: pct(ringMs),
  listenerCpuMs: +listenerMs.toFixed(1), listenerCpuPercentOfOneCore: pct(listenerMs),
  ringPeakBytes: peak, ringMaxBytes: MAX_BYTES, withinBound: peak <= MAX_BYTES,
  prebufferHeldMs: +held.heldMs.toFixed(1), prebufferBytes: held.bytes, prebufferUnits: held.units,
  pressToHeadHandedMs: +handoff.toFixed(3),
  headUnitsHanded: memory.recordings[0]?.units.length,
}, null, 1));
void sink;
