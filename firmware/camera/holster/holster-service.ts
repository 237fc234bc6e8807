/**
 * The camera's holster sensor service: runs the holster machine against a HolsterLink and the
 * Clock, and turns its effects into link calls, timers, recordings and pairing indications.
 */
import type { Clock, Timer } from '../../../hal/clock/contract.js';
import type { HolsterLink } from '../../../hal/holster/contract.js';
import { checkHolsterPairings, type HolsterPairingReport, type HolsterPairings } from '../../../protocols/pairing.js';
import type { ModelName } from '../profile/models.js';
import { holsterReport, holsterStep, initialHolsterState, type HolsterEffect, type HolsterInput, type HolsterSensor, type HolsterState } from './holster-machine.js';
import type { PairingIndication } from './pairing-indication.js';

export interface HolsterActions {
  /** Start (or continue) a recording with trigger reason UNHOLSTER. */
  startRecording(trigger: 'unholster'): void;
  /** Show a pairing step on the holster icon or the Wi-Fi LED. */
  indicate(indication: PairingIndication): void;
  /** One line for the camera log (optional). */
  log?(line: string): void;
}

export class HolsterService {
  private state: HolsterState;
  private windowTimer: Timer | undefined;
  private pairingTimers = new Map<string, Timer>();
  private unsubscribe: () => void;
  private stopped = false;

  constructor(
    private readonly link: HolsterLink,
    private readonly clock: Clock,
    private readonly camera: { serial: string; model: ModelName },
    private readonly actions: HolsterActions,
  ) {
    this.state = initialHolsterState(camera.model);
    this.unsubscribe = link.onEvent((event) => this.input({ kind: 'link', event, wallMs: this.clock.now() }));
  }

  /** The pairings of the camera's user, as the controller sent them at dock. Throws ProtocolError when malformed. */
  setPairings(pairings: HolsterPairings): void {
    checkHolsterPairings(pairings);
    this.input({ kind: 'pairings', pairings });
  }

  /** The camera left the dock with `userId` (undefined: no user, nothing is armed). */
  undocked(userId: string | undefined): void {
    this.input({ kind: 'undocked', userId });
  }

  /** The camera docked: the link stops; returns the report for the controller. */
  docked(): HolsterPairingReport | undefined {
    this.input({ kind: 'docked' });
    return this.report();
  }

  /** The outcome per sensor since the pairings were received (undefined before any). */
  report(): HolsterPairingReport | undefined {
    return holsterReport(this.state);
  }

  sensors(): readonly HolsterSensor[] {
    return this.state.sensors;
  }

  /** True while looking for sensors (the 10-minute window after undock). */
  get scanning(): boolean {
    return this.state.scanning;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    this.windowTimer?.cancel();
    for (const t of this.pairingTimers.values()) t.cancel();
    this.pairingTimers.clear();
    await this.link.stop();
  }

  private input(input: HolsterInput): void {
    if (this.stopped) return;
    const step = holsterStep(this.state, input);
    this.state = step.state;
    for (const e of step.effects) this.apply(e);
  }

  private apply(e: HolsterEffect): void {
    const fail = (what: string) => (err: unknown) => this.actions.log?.(`${this.camera.serial}: holster link ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    switch (e.kind) {
      case 'listen': this.link.listen({ connect: e.connect, pair: e.pair }).catch(fail('listen')); break;
      case 'stop-scanning': this.link.stopScanning().catch(fail('stop scanning')); break;
      case 'stop-link': this.link.stop().catch(fail('stop')); break;
      case 'start-window-timer':
        this.windowTimer?.cancel();
        this.windowTimer = this.clock.setTimeout(() => { this.windowTimer = undefined; this.input({ kind: 'window-ended' }); }, e.ms);
        break;
      case 'cancel-window-timer': this.windowTimer?.cancel(); this.windowTimer = undefined; break;
      case 'start-pairing-timer':
        this.pairingTimers.get(e.serial)?.cancel();
        this.pairingTimers.set(e.serial, this.clock.setTimeout(() => { this.pairingTimers.delete(e.serial); this.input({ kind: 'pairing-timeout', serial: e.serial }); }, e.ms));
        break;
      case 'cancel-pairing-timer': this.pairingTimers.get(e.serial)?.cancel(); this.pairingTimers.delete(e.serial); break;
      case 'start-recording':
        this.actions.log?.(`${this.camera.serial}: holster sensor ${e.serial} unholstered: start recording`);
        this.actions.startRecording(e.trigger);
        break;
      case 'indicate': this.actions.indicate(e.indication); break;
    }
  }
}
