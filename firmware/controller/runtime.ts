/**
 * The controller runtime as it stands: enumerates cameras docked on its ports over IPv6 and
 * opens a session with each. Adoption, offload and upload arrive with the evidence loop.
 */
import type { ControllerHal } from '../../hal/boards/contract.js';
import type { Log } from '../common/log.js';
import { DockPorts } from './dock-ports.js';
import { SystemAuthority } from './system-authority.js';
import { ConfigError } from '../../hal/errors.js';
import { EvidenceBuffer } from './buffer/evidence-buffer.js';
import { Offload } from './offload/offload.js';
import { UserPriorities } from './offload/priorities.js';
import { TransferSlots } from './offload/transfer-slots.js';
import type { ConnectionFile } from './destination/connection-file.js';
import { SwiftClient } from './destination/swift-client.js';
import { Uploader } from './upload/uploader.js';
import { CameraAssignments } from './assignments.js';
import { PairingStore } from './pairing/pairing-store.js';
import { SelfAssignService } from './self-assign-service.js';
import { UserDirectory } from './users-csv.js';

/** Recordings pulled from cameras at once, across every port (each camera offloads one at a time). */
export const DEFAULT_CONCURRENT_TRANSFERS = 4;

export interface ControllerOptions {
  /** "Add cameras": adopt unadopted cameras docked from now on. */
  adoptCameras?: boolean;
  /** Recordings pulled at once across all cameras (default DEFAULT_CONCURRENT_TRANSFERS). */
  concurrentTransfers?: number;
  /** The content destination; without one, recordings wait in the buffer. */
  connection?: ConnectionFile;
  /** Uploads at once (default 1). */
  concurrentUploads?: number;
  /** Users, profiles and evaluation mode for the cameras (sent at every dock); none: cameras keep what they have. */
  assignments?: CameraAssignments;
  /**
   * How users get cameras (the manual's setup wizard; they do not mix): 'fixed' (default) by
   * `assignments`; 'self-assign' by tapping a self-assign tag on the board's RFID reader.
   */
  assignmentMode?: 'fixed' | 'self-assign';
  /** Camera users with their self-assign tags (users-csv.ts); self-assign looks tags up here. */
  users?: UserDirectory;
  /** Camera profiles by name: a self-assigned user's Policy picks theirs (none: the camera's defaults). */
  profiles?: Record<string, Record<string, unknown>>;
}

export interface ControllerRuntime {
  readonly dock: DockPorts;
  readonly authority: SystemAuthority;
  readonly buffer: EvidenceBuffer;
  readonly offload: Offload;
  readonly priorities: UserPriorities;
  /** Who each camera belongs to, which profile it follows, and what each camera answered. */
  readonly assignments: CameraAssignments;
  /** Holster sensors paired per user (at most two each) and their pairing status. */
  readonly pairings: PairingStore;
  /** Undefined without a connection file. */
  readonly uploader: Uploader | undefined;
  /** Self-assign camera assignment (tag taps); undefined in fixed assignment mode. */
  readonly selfAssign: SelfAssignService | undefined;
  /** Resolves once the controller's own certificate exists (first start makes a key: real time, not virtual). */
  ready(): Promise<void>;
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function startController(hal: ControllerHal, log: Log, options: ControllerOptions = {}): Promise<ControllerRuntime> {
  if (!hal.identity.systemId) throw new ConfigError('systemId: missing, expected this body-worn system\'s id (letters, digits, \'-\'); a controller needs one to adopt cameras and issue certificates');
  const authority = await SystemAuthority.open(hal.storage, hal.identity.systemId, hal.clock.now());
  const assignments = options.assignments ?? new CameraAssignments();
  // "Pair (Holster sensor)": kept durably, sent to the user's camera at every dock.
  const pairings = await PairingStore.open(hal.storage, hal.clock);
  const dock = new DockPorts({ net: hal.net, clock: hal.clock, ports: hal.ports, identity: hal.identity, authority, adopt: options.adoptCameras ?? false, assignments, pairings, log });
  // Made once (a key pair) and renewed near expiry; warm it now so the first session does not wait.
  const credentials = authority.controllerCredentials(hal.identity.serial, hal.clock.now())
    .then(() => undefined, (e: Error) => log.warn('pki', `controller certificate: ${e.message}`));
  const priorities = new UserPriorities(hal.clock);
  const buffer = await EvidenceBuffer.open({ storage: hal.storage, clock: hal.clock, log, isPrioritized: (u) => priorities.isPrioritized(u) });
  const offload = new Offload({
    buffer, slots: new TransferSlots(options.concurrentTransfers ?? DEFAULT_CONCURRENT_TRANSFERS), priorities,
    identity: hal.identity, systemId: hal.identity.systemId, log,
  });
  dock.on('session', (camera, session) => {
    if (session.membership !== 'unadopted') offload.attach(camera, session);
  });
  let uploader: Uploader | undefined;
  let client: SwiftClient | undefined;
  if (options.connection) {
    client = new SwiftClient({ connection: options.connection, clock: hal.clock });
    uploader = new Uploader({
      queue: buffer, client, destination: options.connection, controllerSerial: hal.identity.serial, clock: hal.clock,
      systemKeys: { publicKey: authority.evidencePublicKey, privateKey: authority.evidencePrivateKey },
      ...(options.concurrentUploads ? { concurrency: options.concurrentUploads } : {}),
    });
    uploader.subscribe((ev) => {
      if (ev.type === 'alert') log.warn('upload', `${ev.alert.kind}: ${ev.alert.message}`);
      else if (ev.type === 'uploaded') log.info('upload', `recording ${ev.idHex} at the destination as ${ev.result.container}`);
      else if (ev.type === 'not-transferred') log.warn('upload', `recording ${ev.idHex} not transferred: ${ev.reason}`);
    });
    uploader.start();
  } else {
    log.warn('upload', 'no content destination configured: recordings stay in the buffer');
  }
  const mode = options.assignmentMode ?? 'fixed';
  if (mode !== 'fixed' && mode !== 'self-assign') throw new ConfigError(`assignmentMode: expected 'fixed' or 'self-assign', got ${JSON.stringify(mode)}`);
  let selfAssign: SelfAssignService | undefined;
  if (mode === 'self-assign') {
    const profiles = options.profiles ?? {};
    assignments.selfAssignMode = true;
    selfAssign = new SelfAssignService({
      directory: options.users ?? new UserDirectory(), assignments, dock, clock: hal.clock, log,
      ...(hal.rfid ? { reader: hal.rfid } : {}),
      profileFor: (u) => (u.policy !== undefined ? profiles[u.policy] : undefined),
      offloading: (serial) => offload.isOffloading(serial),
    });
    selfAssign.start();
    if (!hal.rfid) log.warn('self-assign', 'self-assign mode without an RFID reader on this board: no tag can be tapped (configure rfid)');
  } else if (hal.rfid) {
    log.warn('self-assign', `RFID reader ${hal.rfid.name} ignored: the system uses fixed camera assignment`);
  }
  dock.start();
  await hal.indicators.setLed('status', { kind: 'steady', color: 'green' }).catch((e) => log.debug('indicators', (e as Error).message));
  return {
    dock,
    authority,
    buffer,
    offload,
    priorities,
    assignments,
    pairings,
    uploader,
    selfAssign,
    ready: () => credentials,
    done: new Promise<void>(() => {}),
    async stop() {
      selfAssign?.stop();
      await dock.stop();
      await uploader?.stop();
      client?.close();
    },
  };
}
