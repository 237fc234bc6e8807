/**
 * Dock (link up) to first chunk in the emulated world: a member camera holding one new recording
 * docks; virtual ms from world.docks.dock() to the controller's first offload 'chunk' event,
 * median over several dockings, against dock to the controller's session with it.
 */
import { World } from '../../hal/world/world.js';
import { checkConfig } from '../../hal/boards/config.js';
import { openEmulatedCamera, board as cameraBoard } from '../../hal/boards/emulated-camera.js';
import { openEmulatedController, board as controllerBoard } from '../../hal/boards/emulated-controller.js';
import { startCamera } from '../../firmware/camera/runtime.js';
import { startController } from '../../firmware/controller/runtime.js';
import { silentLog } from '../../firmware/common/log.js';
import { createRecording, newRecordingId, newRecordingKey } from '../../firmware/common/evidence/index.js';
import type { Storage } from '../../hal/storage/contract.js';
import { median, say, type Row } from './report.js';

/** Virtual time per step: the figure's resolution. */
const STEP_MS = 1;

/** A closed recording of 3 chunks of 64 KiB, sealed to the system's evidence key. */
async function record(storage: Storage, evidencePublicKeyHex: string, at: number): Promise<void> {
  const w = await createRecording(storage, {
    recordingId: newRecordingId(), ...(await newRecordingKey(Buffer.from(evidencePublicKeyHex, 'hex'))), chunkSize: 64 * 1024,
    meta: { cameraSerial: 'W100-0001', userId: 'officer-7', triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: at, startTimeMs: at, timeZone: 'UTC', firmwareVersion: '0.1.0' },
  });
  await w.beginClip(at);
  await w.append(new Uint8Array(3 * 64 * 1024 - 100).fill(7), at + 1000);
  await w.endClip(at + 1000);
  await w.close({ triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: at + 1000, stopTimeMs: at + 1000 });
}

export async function dockToFirstChunk(dockings: number): Promise<Row[]> {
  const world = new World({ epoch: Date.now() - 24 * 3600_000 });
  world.docks.addStation('st', 1);
  const chal = await openEmulatedController(checkConfig({ serial: 'W800-0001', systemId: 'bench-site' }, controllerBoard.schema, 'bench'), world);
  const controller = await startController(chal, silentLog, { adoptCameras: true });
  await controller.ready();
  const hal = await openEmulatedCamera(checkConfig({ serial: 'W100-0001' }, cameraBoard.schema, 'bench'), world);
  const camera = await startCamera(hal, silentLog);
  await camera.enrollment.ready();
  const tl = world.timeline;
  let firstChunk: number | undefined;
  let session: number | undefined;
  let wallChunk = 0;
  controller.offload.on('chunk', () => { if (firstChunk === undefined) { firstChunk = tl.time; wallChunk = performance.now(); } });
  controller.dock.on('session', () => { session ??= tl.time; });
  /** Advance in small steps (letting real I/O run between them) until `done()` or `limitMs`. */
  const until = async (done: () => boolean, limitMs: number) => {
    const end = tl.time + limitMs;
    while (!done() && tl.time < end) {
      await tl.advance(STEP_MS);
      await new Promise((r) => setImmediate(r));
    }
  };
  try {
    // First docking adopts the camera into the system (it gets the evidence key); not measured.
    world.docks.dock('W100-0001', 'st', 1);
    await until(() => camera.enrollment.systemId === 'bench-site' && session !== undefined, 30_000);
    await tl.advance(3000);
    world.docks.undock('W100-0001');
    await tl.advance(20_000);
    const toChunk: number[] = [], toSession: number[] = [], wall: number[] = [];
    for (let i = 0; i < dockings; i++) {
      await record(hal.storage, camera.enrollment.current!.evidencePublicKey, tl.epoch + tl.time - 3600_000);
      firstChunk = undefined;
      session = undefined;
      const t0 = tl.time;
      const w0 = performance.now();
      world.docks.dock('W100-0001', 'st', 1);
      await until(() => firstChunk !== undefined, 30_000);
      if (firstChunk === undefined) throw new Error(`bench: docking ${i + 1}: no chunk within 30 s of virtual time`);
      toChunk.push(firstChunk - t0);
      wall.push(wallChunk - w0);
      toSession.push((session ?? firstChunk) - t0);
      await tl.advance(3000);
      world.docks.undock('W100-0001');
      await tl.advance(20_000);
    }
    const [c, s] = [median(toChunk), median(toSession)];
    say(`  dock -> first chunk: virtual ${toChunk.join(' ')} ms; wall ${wall.map((x) => x.toFixed(0)).join(' ')} ms (stepping ${STEP_MS} ms at a time)`);
    return [{
      target: `dock -> first offload chunk (emulated world, median of ${dockings}: ${toChunk.map((x) => x.toFixed(0)).join(' ')})`,
      measured: `${c.toFixed(0)} virtual ms`, baseline: `dock -> session ${s.toFixed(0)} ms`, ratio: (c / Math.max(s, 1)).toFixed(2), limit: '<= 1000 ms', ok: c <= 1000,
    }];
  } finally {
    await camera.stop();
    await controller.stop();
    await hal.close();
    await chal.close();
  }
}
