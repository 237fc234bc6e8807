/**
 * The camera's wireless broadcast service: sends "recording started" bursts, starts recording on
 * a neighbour's burst, and alerts in privacy zones, over one Radio with the system's broadcast key.
 * The runtime constructs it with BroadcastService.open() and feeds it recording and dock events.
 */
import type { Clock, Timer } from '../../../hal/clock/contract.js';
import type { Radio, RadioFrame } from '../../../hal/radio/contract.js';
import {
  BROADCAST_RECORDING_STARTED, BroadcastVerifier, broadcastCryptoReady, sealBroadcast, type BroadcastCounts,
} from '../../../protocols/broadcast.js';
import type { CameraProfile } from '../profile/profile.js';
import { broadcasterStep, initialBroadcaster, type BroadcasterInput, type BroadcasterState } from './broadcaster.js';
import { initialReceiver, receiverStep, type ReceiverDecision, type ReceiverInput, type ReceiverState } from './receiver.js';
import { initialPrivacyZone, privacyZoneStep, type PrivacyZoneAlert, type PrivacyZoneInput, type PrivacyZoneState } from './privacy-zone.js';

export interface BroadcastIdentity {
  systemId: string;
  /** This camera's serial number (the frames' sender). */
  serial: string;
  /** The system's 32-byte wireless broadcast key. */
  key: Uint8Array;
  profile: CameraProfile;
  /** Whether the camera sits in a dock when the service starts. Default false. */
  docked?: boolean;
}

export interface BroadcastActions {
  /** Start recording with trigger wireless-broadcast; the runtime then calls recordingStarted(). */
  startRecording(trigger: 'wireless-broadcast'): void;
  /**
   * Play an alert: three beeps and vibrations, or the voice clip, per the profile's feedback.alert.
   * `privacy-zone-entered` on entering a zone, `privacy-zone-still-recording` after 2 min of recording in it.
   */
  alert(name: PrivacyZoneAlert): void;
  /** Optional log line (why a frame was ignored, a send that failed). */
  log?(line: string): void;
}

/** What the service did, for diagnostics and the rig. */
export interface BroadcastServiceStats {
  framesSent: number;
  sendFailures: number;
  /** Recordings started from a received broadcast. */
  triggered: number;
  /** The verifier's counts (accepted, malformed, otherSystem, badTag, replayed). */
  verifier: BroadcastCounts;
  /** Accepted frames by what the receiver decided. */
  decisions: Partial<Record<ReceiverDecision, number>>;
  inPrivacyZone: boolean;
}

export class BroadcastService {
  private verifier: BroadcastVerifier;
  private tx: BroadcasterState;
  private rx: ReceiverState;
  private zone: PrivacyZoneState = initialPrivacyZone();
  private txTimer: Timer | undefined;
  private zoneTimer: Timer | undefined;
  private counter: number;
  private stopped = false;
  private unsubscribe: () => void;
  private counts = { framesSent: 0, sendFailures: 0, triggered: 0 };
  private decisions: Partial<Record<ReceiverDecision, number>> = {};
  private profile: CameraProfile;

  /** Waits for the crypto library, then starts listening on `radio`. */
  static async open(radio: Radio, clock: Clock, identity: BroadcastIdentity, actions: BroadcastActions): Promise<BroadcastService> {
    await broadcastCryptoReady();
    return new BroadcastService(radio, clock, identity, actions);
  }

  /** Use open() unless broadcastCryptoReady() has already resolved. */
  constructor(private readonly radio: Radio, private readonly clock: Clock, private readonly identity: BroadcastIdentity, private readonly actions: BroadcastActions) {
    this.profile = identity.profile;
    this.verifier = new BroadcastVerifier({ systemId: identity.systemId, key: identity.key });
    this.tx = initialBroadcaster(identity.docked ?? false);
    this.rx = initialReceiver(identity.docked ?? false);
    // Counters keep increasing across reboots: seeded from the wall clock in microseconds.
    this.counter = Math.max(1, Math.floor(clock.now() * 1000));
    this.unsubscribe = radio.onFrame((f) => this.heard(f));
  }

  /** The profile changed (the camera docked and got a new one). */
  setProfile(profile: CameraProfile): void {
    this.profile = profile;
  }

  /** The camera started recording, for any reason (button, fall, unholster, a broadcast). */
  recordingStarted(): void {
    const at = this.clock.monotonic();
    this.toTx({ kind: 'recording-started', at });
    this.toRx({ kind: 'recording-started', at });
    this.toZone({ kind: 'recording-started', at });
  }

  /** The camera stopped recording (including postbuffer end). */
  recordingStopped(): void {
    const at = this.clock.monotonic();
    this.toRx({ kind: 'recording-stopped' });
    this.toZone({ kind: 'recording-stopped', at });
  }

  docked(): void {
    this.toTx({ kind: 'docked', at: this.clock.monotonic() });
    this.toRx({ kind: 'docked' });
  }

  undocked(): void {
    this.toTx({ kind: 'undocked', at: this.clock.monotonic() });
    this.toRx({ kind: 'undocked' });
  }

  stats(): BroadcastServiceStats {
    return { ...this.counts, verifier: { ...this.verifier.counts }, decisions: { ...this.decisions }, inPrivacyZone: this.zone.inZone };
  }

  /** Stop timers and listening; the radio stays open (its owner closes it). Idempotent. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.txTimer?.cancel();
    this.zoneTimer?.cancel();
  }

  private heard(frame: RadioFrame): void {
    if (this.stopped) return;
    const verdict = this.verifier.verify(frame.bytes, this.clock.now());
    if (!verdict.ok) { this.actions.log?.(`broadcast ignored (${verdict.reason}): ${verdict.detail}`); return; }
    const m = verdict.message;
    if (m.senderSerial === this.identity.serial) return;
    const at = frame.atMs;
    this.toZone({ kind: 'frame', at, messageType: m.messageType });
    const decision = this.toRx({ kind: 'frame', at, messageType: m.messageType, sender: m.senderSerial });
    if (decision) this.decisions[decision] = (this.decisions[decision] ?? 0) + 1;
    if (decision === 'start-recording') {
      this.counts.triggered++;
      this.actions.startRecording('wireless-broadcast');
    }
  }

  private toRx(input: ReceiverInput): ReceiverDecision | undefined {
    const r = receiverStep({ recordOnReceivedBroadcast: this.profile.activation.recordOnReceivedBroadcast }, this.rx, input);
    this.rx = r.state;
    return r.decision;
  }

  private toTx(input: BroadcasterInput): void {
    if (this.stopped) return;
    const { enabled, delayAtUndockMin } = this.profile.activation.broadcast;
    const r = broadcasterStep({ enabled, delayAtUndockMin }, this.tx, input);
    this.tx = r.state;
    if (r.withheld) this.actions.log?.(`recording-started broadcast withheld: ${r.withheld}`);
    if (r.send) this.sendOne();
    this.txTimer?.cancel();
    this.txTimer = r.nextAt === undefined ? undefined
      : this.clock.setTimeout(() => this.toTx({ kind: 'tick', at: this.clock.monotonic() }), Math.max(0, r.nextAt - this.clock.monotonic()));
  }

  private toZone(input: PrivacyZoneInput): void {
    if (this.stopped) return;
    const r = privacyZoneStep(this.profile.activation.privacyZoneResponse, this.zone, input);
    this.zone = r.state;
    for (const a of r.alerts) this.actions.alert(a);
    this.zoneTimer?.cancel();
    this.zoneTimer = r.nextAt === undefined ? undefined
      : this.clock.setTimeout(() => this.toZone({ kind: 'tick', at: this.clock.monotonic() }), Math.max(0, r.nextAt - this.clock.monotonic()));
  }

  private sendOne(): void {
    const frame = sealBroadcast({
      systemId: this.identity.systemId, senderSerial: this.identity.serial, messageType: BROADCAST_RECORDING_STARTED,
      counter: this.counter++, timeMs: Math.max(1, Math.floor(this.clock.now())),
    }, this.identity.key);
    this.counts.framesSent++;
    this.radio.send(frame, this.profile.activation.broadcast.strength).catch((e: Error) => {
      this.counts.sendFailures++;
      this.actions.log?.(`broadcast send failed on ${this.radio.name}: ${e.message}`);
    });
  }
}
