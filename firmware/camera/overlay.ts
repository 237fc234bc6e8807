/**
 * The video overlay (manual, camera profile "Overlay"): the user's name, user id and the camera's
 * position burned into the picture when the profile turns them on, and "MIC OFF" whenever the
 * microphone is off ("You always get information if the microphone is off").
 */
import type { Clock, Timer } from '../../hal/clock/contract.js';
import type { Gnss, GnssFix } from '../../hal/gnss/contract.js';
import type { VideoOverlay } from '../../hal/video/contract.js';
import type { Log } from '../common/log.js';
import type { CameraProfile } from './profile/profile.js';

/** What the overlay can show. */
export interface OverlayFacts {
  userName: string;
  userId: string;
  /** The latest fix, when location is on and the receiver has one. */
  position: { latitude: number; longitude: number } | undefined;
  microphoneOff: boolean;
}

export const MICROPHONE_OFF_TEXT = 'MIC OFF';

/** A position as the overlay shows it: `59.33242N 18.06491E` (5 decimals: about a metre). */
export function overlayPosition(p: { latitude: number; longitude: number }): string {
  const part = (v: number, pos: string, neg: string) => `${Math.abs(v).toFixed(5)}${v < 0 ? neg : pos}`;
  return `${part(p.latitude, 'N', 'S')} ${part(p.longitude, 'E', 'W')}`;
}

/**
 * The overlay's lines: the user (name, then "ID <id>") on the first, the position and the
 * microphone notice on the second. Settings turned off, or facts not known (no user id, no fix),
 * leave their part out; nothing to show gives no lines.
 */
export function overlayLines(show: CameraProfile['overlay'], f: OverlayFacts): string[] {
  const user = [show.userName && f.userName ? f.userName : '', show.userId && f.userId ? `ID ${f.userId}` : ''].filter(Boolean).join('  ');
  const status = [show.position && f.position ? overlayPosition(f.position) : '', f.microphoneOff ? MICROPHONE_OFF_TEXT : ''].filter(Boolean).join('  ');
  const lines = [user, status];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A fix older than this is not shown (the receiver lost it). */
export const POSITION_STALE_MS = 5_000;

/** Keeps the camera's display showing what the profile asks for; follows user, profile, fixes and the microphone. */
export class OverlayService {
  private facts: OverlayFacts = { userName: '', userId: '', position: undefined, microphoneOff: false };
  private fixAtMs = -Infinity;
  private readonly unsubscribe: (() => void) | undefined;
  /** Takes the position off when no fix followed the last one (the receiver went off or lost the sky). */
  private stale: Timer | undefined;

  constructor(
    private readonly display: VideoOverlay | undefined,
    private show: CameraProfile['overlay'],
    gnss: Gnss | undefined,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    this.unsubscribe = gnss?.onFix((fix) => this.onFix(fix));
  }

  /** Some of the facts changed. */
  update(facts: Partial<OverlayFacts>): void {
    this.facts = { ...this.facts, ...facts };
    this.render();
  }

  setProfile(show: CameraProfile['overlay']): void {
    this.show = show;
    this.render();
  }

  /** The lines the display should show now. */
  lines(): string[] {
    const position = this.clock.monotonic() - this.fixAtMs <= POSITION_STALE_MS ? this.facts.position : undefined;
    return overlayLines(this.show, { ...this.facts, position });
  }

  close(): void {
    this.unsubscribe?.();
    this.stale?.cancel();
  }

  private onFix(fix: GnssFix | null): void {
    if (!fix) {
      this.facts = { ...this.facts, position: undefined };
    } else {
      this.facts = { ...this.facts, position: { latitude: fix.latitude, longitude: fix.longitude } };
      this.fixAtMs = this.clock.monotonic();
      this.stale?.cancel();
      this.stale = this.clock.setTimeout(() => { this.stale = undefined; this.render(); }, POSITION_STALE_MS + 1);
    }
    if (this.show.position) this.render();
  }

  private render(): void {
    if (!this.display) return;
    try {
      this.display.set(this.lines());
    } catch (e) {
      this.log.warn('overlay', `overlay not shown: ${(e as Error).message}`);
    }
  }
}
