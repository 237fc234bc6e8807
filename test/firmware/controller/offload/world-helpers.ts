/**
 * Test helpers for the evidence loop on emulated boards in one World: a controller and adopted
 * cameras, recording while undocked, stepping virtual time with event-loop turns for real work
 * (TLS, key making, file and HTTP I/O), and bounded waits on conditions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World } from '../../../../hal/world/world.js';
import { checkConfig } from '../../../../hal/boards/config.js';
import { openEmulatedCamera, board as cameraBoard, type EmulatedCameraHal } from '../../../../hal/boards/emulated-camera.js';
import { openEmulatedController, board as controllerBoard, type EmulatedControllerHal } from '../../../../hal/boards/emulated-controller.js';
import { startCamera, type CameraOptions, type CameraRuntime } from '../../../../firmware/camera/runtime.js';
import { startController, type ControllerOptions, type ControllerRuntime } from '../../../../firmware/controller/runtime.js';
import { logger, silentLog } from '../../../../firmware/common/log.js';
const logOf = (name: string) => (process.env.BWC_TEST_LOG ? logger(name, true) : silentLog);
import { listRecordings, openRecording, openChunk, openRecordingKey, type RecordingSummary } from '../../../../firmware/common/evidence/index.js';
import { UNDOCK_SILENCE_MS } from '../../../../firmware/controller/dock-table.js';
import type { Recording } from '../../../../protocols/index.js';
import { startDestinationServer, type DestinationServer, type DestinationServerOptions } from '../../../../tools/destination/server.js';
import { connectionFileText, parseConnectionFile, type ConnectionFile } from '../../../../firmware/controller/destination/connection-file.js';

export const EPOCH = Date.UTC(2026, 10, 23, 7, 0);

/** One real event-loop turn (I/O callbacks included). */
export const turn = () => new Promise<void>((r) => setTimeout(r, 0));

/** Advance virtual time by `ms` in steps of `step`, with an event-loop turn after each. */
export async function pass(world: World, ms: number, step = 100): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await world.timeline.advance(Math.min(step, ms - done));
    await turn();
  }
}

/** Step virtual time until `cond()` holds; throws naming `what` after `maxMs` of virtual time. */
export async function until(world: World, cond: () => boolean | Promise<boolean>, what: string, maxMs = 120_000, step = 100): Promise<void> {
  for (let t = 0; t <= maxMs; t += step) {
    if (await cond()) return;
    await world.timeline.advance(step);
    await turn();
  }
  throw new Error(`after ${maxMs} ms of virtual time, still waiting for ${what}`);
}

export interface Controller { hal: EmulatedControllerHal; runtime: ControllerRuntime }
export interface Camera { hal: EmulatedCameraHal; runtime: CameraRuntime }

export function newWorld(): World {
  const world = new World({ epoch: EPOCH, seed: 7 });
  world.docks.addStation('st', 1);
  return world;
}

export async function controller(world: World, options: ControllerOptions = {}, over: Record<string, unknown> = {}): Promise<Controller> {
  const hal = await openEmulatedController(checkConfig({ serial: 'W800-0001', systemId: 'site-a', ...over }, controllerBoard.schema, 't'), world);
  const runtime = await startController(hal, logOf(hal.identity.serial), { adoptCameras: true, ...options });
  await runtime.ready();
  return { hal, runtime };
}

/** A new controller runtime on the same board, its storage mounted again (a reboot). */
export async function restartController(c: Controller, options: ControllerOptions = {}): Promise<Controller> {
  const hal = { ...c.hal, storage: c.hal.emulators.medium.mount() };
  const runtime = await startController(hal, logOf(hal.identity.serial), { adoptCameras: true, ...options });
  await runtime.ready();
  return { hal, runtime };
}

export async function camera(world: World, serial: string, options: CameraOptions = {}): Promise<Camera> {
  const hal = await openEmulatedCamera(checkConfig({ serial }, cameraBoard.schema, 't'), world);
  // An assigned user: an unassigned camera refuses to record.
  const runtime = await startCamera(hal, logOf(serial), { user: 'officer-1', ...options });
  await runtime.enrollment.ready();
  return { hal, runtime };
}

/** Dock, wait for adoption into `systemId`, undock. */
export async function adopt(world: World, cam: Camera, systemId = 'site-a'): Promise<void> {
  world.docks.dock(cam.hal.identity.serial, 'st', 1);
  await until(world, () => cam.runtime.enrollment.systemId === systemId, `${cam.hal.identity.serial} adopted`);
  await undock(world, cam);
}

/**
 * Undock and let the controller notice (UNDOCK_SILENCE_MS). Re-docking sooner hits a dock-table
 * bug: the camera listens on a new port but the controller keeps its stale endpoint (reported).
 */
export async function undock(world: World, cam: Camera): Promise<void> {
  world.docks.undock(cam.hal.identity.serial);
  await pass(world, UNDOCK_SILENCE_MS + 2000, 250);
}

/** Press record, record for `ms`, press again; wait until the recording is closed on the camera. */
export async function record(world: World, cam: Camera, ms: number): Promise<RecordingSummary> {
  const before = new Set((await listRecordings(cam.hal.storage)).map((r) => r.idHex));
  const tap1 = cam.hal.emulators.buttons.tap('record');
  await pass(world, ms);
  await tap1;
  const tap2 = cam.hal.emulators.buttons.tap('record');
  await pass(world, 1000);
  await tap2;
  let found: RecordingSummary | undefined;
  await until(world, async () => {
    await cam.runtime.settled();
    found = (await listRecordings(cam.hal.storage)).find((r) => !before.has(r.idHex) && r.status === 'closed');
    return found !== undefined;
  }, 'the recording closed on the camera');
  return found!;
}

/** The camera's stored ciphertext of each chunk of a recording. */
export async function cameraCiphertext(cam: Camera, recordingId: Uint8Array): Promise<{ entry: Recording; chunks: Uint8Array[] }> {
  const reader = await openRecording(cam.hal.storage, recordingId);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < reader.chunkCount; i++) chunks.push(Uint8Array.from((await reader.readChunk(i)).ciphertext));
  return { entry: reader.manifestEntry(), chunks };
}

/** Decrypt chunks with the system's evidence keys: the plaintext of the recording. */
export async function decrypt(ctl: Controller, entry: Recording, chunks: Uint8Array[]): Promise<Uint8Array[]> {
  const key = await openRecordingKey(entry.sealedKey, { publicKey: ctl.runtime.authority.evidencePublicKey, privateKey: ctl.runtime.authority.evidencePrivateKey });
  return chunks.map((c, index) => openChunk(key, { recordingId: entry.recordingId, index, last: !entry.interrupted && index === entry.chunkCount - 1 }, c));
}

export async function cameraHas(cam: Camera, idHex: string): Promise<boolean> {
  return (await listRecordings(cam.hal.storage)).some((r) => r.idHex === idHex);
}

export interface Destination { server: DestinationServer; connection: ConnectionFile; root: string; close(): Promise<void> }

/** The reference destination on a free port, its clock the controller's unless told otherwise. */
export async function destination(ctlClock: { now(): number }, over: Partial<DestinationServerOptions> = {}): Promise<Destination> {
  const root = await mkdtemp(join(tmpdir(), 'bwc-offload-'));
  const server = await startDestinationServer({ root, users: { scu: 'secret' }, now: () => ctlClock.now(), log: () => {}, ...over });
  const connection = parseConnectionFile(connectionFileText({ authUri: server.authUrl, user: 'scu', key: 'secret', containerType: 'mkv' }));
  return { server, connection, root, close: async () => { await server.close(); await rm(root, { recursive: true, force: true }); } };
}

export async function stopAll(ctls: Controller[], cams: Camera[]): Promise<void> {
  for (const c of cams) { await c.runtime.stop().catch(() => undefined); await c.hal.close(); }
  for (const c of ctls) { await c.runtime.stop().catch(() => undefined); }
  for (const c of ctls) await c.hal.close();
}
