/**
 * The emulated encoder's on-screen display: the text a camera's firmware sets is burned into the
 * looping fixture's bottom band. Keyframes carry the whole band as I_PCM macroblocks; other
 * pictures skip the band (the decoder keeps what it shows) or carry only the macroblocks whose
 * text changed. Without text the fixture plays untouched.
 */
import type { VideoOverlay } from '../contract.js';
import type { VideoFixture } from '../fixture.js';
import { BandLayoutError, PCM_MB_BYTES, readBandSlice, readParameterSets, writeBandSlice, type BandGeometry, type BandSlice } from './band-slice.js';
import { bandCapacity, renderBand, type BandCapacity } from './band-text.js';
import { fitOverlayLines, sameLines } from '../overlay-lines.js';

/** Where each fixture unit's band slice is, and the band's size. Read once per fixture. */
export class BandLayout {
  private readonly skipOnly = new Map<number, Uint8Array>();

  private constructor(
    readonly fixture: VideoFixture,
    readonly geometry: BandGeometry,
    private readonly slices: readonly BandSlice[],
  ) {}

  private static readonly byFixture = new WeakMap<VideoFixture, BandLayout>();

  /** The fixture's layout; throws BandLayoutError naming why the fixture has no display band. */
  static of(fixture: VideoFixture): BandLayout {
    const known = BandLayout.byFixture.get(fixture);
    if (known) return known;
    const sets = readParameterSets(fixture.units[0]!.data);
    if (!sets) throw new BandLayoutError(`video fixture ${fixture.name}: no readable SPS and PPS in its first unit`);
    let geometry: BandGeometry | undefined;
    const slices = fixture.units.map((u, i) => {
      try {
        const read = readBandSlice(u.data, sets.sps, sets.pps);
        if (geometry && read.geometry.firstMb !== geometry.firstMb) throw new BandLayoutError(`band starts at macroblock ${read.geometry.firstMb}, unit 0's at ${geometry.firstMb}`);
        geometry ??= read.geometry;
        return read.slice;
      } catch (e) {
        if (e instanceof BandLayoutError) throw new BandLayoutError(`video fixture ${fixture.name} unit ${i}: ${e.message}`);
        throw e;
      }
    });
    const layout = new BandLayout(fixture, geometry!, slices);
    BandLayout.byFixture.set(fixture, layout);
    return layout;
  }

  /** Unit `i` with its band slice replaced by `band`. */
  withBand(i: number, band: Uint8Array): Uint8Array {
    const unit = this.fixture.units[i]!.data;
    const keep = this.slices[i]!.begin;
    const out = new Uint8Array(keep + band.length);
    out.set(unit.subarray(0, keep));
    out.set(band, keep);
    return out;
  }

  /** Unit `i` coding the band as `samples`, only the macroblocks marked in `coded` (all of them in a keyframe). */
  compose(i: number, samples: Uint8Array, coded: readonly boolean[]): Uint8Array {
    const slice = this.slices[i]!;
    const all = slice.type === 'I' ? new Array<boolean>(this.macroblocks).fill(true) : coded;
    return this.withBand(i, writeBandSlice(slice, samples, all));
  }

  /** Macroblocks in the band. */
  get macroblocks(): number {
    return this.geometry.widthMbs * this.geometry.rows;
  }

  /** Unit `i` (not a keyframe) with every band macroblock skipped: the decoder keeps the band it shows. */
  unchanged(i: number): Uint8Array {
    let data = this.skipOnly.get(i);
    if (!data) {
      data = this.compose(i, new Uint8Array(0), new Array<boolean>(this.macroblocks).fill(false));
      this.skipOnly.set(i, data);
    }
    return data;
  }
}

/** The camera's display: what text it shows now. One per emulated camera, shared by its streams. */
export class EmulatedOverlay implements VideoOverlay {
  readonly capacity: BandCapacity;
  private shown: string[] = [];
  /** Counts changes; a stream compares it with the version its decoder shows. */
  version = 0;
  /** The band's samples for the current lines. */
  samples: Uint8Array;
  /** Keyframe units for the current version, by fixture unit. */
  readonly keyframes = new Map<number, Uint8Array>();

  constructor(readonly layout: BandLayout) {
    this.capacity = bandCapacity(layout.geometry);
    this.samples = renderBand([], layout.geometry);
  }

  get lines(): readonly string[] {
    return this.shown;
  }

  set(lines: readonly string[]): void {
    const fitted = fitOverlayLines(lines, this.capacity);
    if (sameLines(fitted, this.shown)) return;
    this.shown = fitted;
    this.version++;
    this.samples = renderBand(fitted, this.layout.geometry);
    this.keyframes.clear();
  }
}

/**
 * One stream's view of the display: which band its decoder shows, so each picture carries only
 * what changed. The band is taken over at any picture when text appears and handed back to the
 * fixture at the next keyframe after the text is gone.
 */
export class BandComposer {
  private active = false;
  private shownVersion = -1;
  private shownSamples: Uint8Array | undefined;

  constructor(private readonly overlay: EmulatedOverlay) {}

  /** The bytes of fixture unit `i` as this stream sends them now. */
  unit(i: number): Uint8Array {
    const o = this.overlay;
    const layout = o.layout;
    const fixtureUnit = layout.fixture.units[i]!;
    const hasText = o.lines.length > 0;
    if (fixtureUnit.keyframe) {
      this.active = hasText;
      if (!hasText) return this.show(-1, undefined, fixtureUnit.data);
      let data = o.keyframes.get(i);
      if (!data) {
        data = layout.compose(i, o.samples, []);
        o.keyframes.set(i, data);
      }
      return this.show(o.version, o.samples, data);
    }
    if (!this.active) {
      if (!hasText) return fixtureUnit.data;
      this.active = true;
    }
    if (this.shownVersion === o.version && this.shownSamples) return layout.unchanged(i);
    const before = this.shownSamples;
    const coded = Array.from({ length: layout.macroblocks }, (_, m) => !before || !sameMacroblock(before, o.samples, m));
    return this.show(o.version, o.samples, layout.compose(i, o.samples, coded));
  }

  private show(version: number, samples: Uint8Array | undefined, data: Uint8Array): Uint8Array {
    this.shownVersion = version;
    this.shownSamples = samples;
    return data;
  }
}

function sameMacroblock(a: Uint8Array, b: Uint8Array, m: number): boolean {
  const off = m * PCM_MB_BYTES;
  return Buffer.compare(a.subarray(off, off + PCM_MB_BYTES), b.subarray(off, off + PCM_MB_BYTES)) === 0;
}
