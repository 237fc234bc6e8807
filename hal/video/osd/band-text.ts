/**
 * Text in the display band: lines of printable ASCII drawn white on black with the OSD font, as
 * I_PCM macroblock samples (writing), and read back from a decoded picture's luma (checking).
 */
import { FIRST_CHAR, GLYPH_HEIGHT, GLYPH_WIDTH, LAST_CHAR, glyphTable } from './font.js';
import { fitOverlayLines } from '../overlay-lines.js';
import { PCM_MB_BYTES, type BandGeometry } from './band-slice.js';

/** Luma of the band's background and of full ink (video range). */
const BLACK = 16, WHITE = 235;
const NEUTRAL_CHROMA = 128;

/** How much text a band holds. */
export interface BandCapacity {
  lines: number;
  columns: number;
}

export function bandCapacity(g: BandGeometry): BandCapacity {
  return { lines: Math.floor((g.rows * 16) / GLYPH_HEIGHT), columns: Math.floor((g.widthMbs * 16) / GLYPH_WIDTH) };
}

const lumaOf = (coverage: number) => BLACK + Math.round((coverage * (WHITE - BLACK)) / 255);


let inkedGlyphs: Uint8Array | undefined;
/** Every glyph already as luma (the font's coverage mapped once). */
function glyphLuma(): Uint8Array {
  inkedGlyphs ??= glyphTable().map(lumaOf);
  return inkedGlyphs;
}

/**
 * The band's samples, macroblock by macroblock (PCM_MB_BYTES each), with `lines` drawn from the
 * top left. A text line is one macroblock row tall and a macroblock two characters wide, so each
 * glyph row is copied straight into its macroblock.
 */
const blanks = new Map<number, Uint8Array>();
/** A band of `mbs` macroblocks with no text: black luma, neutral chroma. */
function blankBand(mbs: number): Uint8Array {
  let b = blanks.get(mbs);
  if (!b) {
    b = new Uint8Array(mbs * PCM_MB_BYTES);
    for (let m = 0; m < mbs; m++) {
      b.fill(BLACK, m * PCM_MB_BYTES, m * PCM_MB_BYTES + 256);
      b.fill(NEUTRAL_CHROMA, m * PCM_MB_BYTES + 256, (m + 1) * PCM_MB_BYTES);
    }
    blanks.set(mbs, b);
  }
  return b;
}

export function renderBand(lines: readonly string[], g: BandGeometry): Uint8Array {
  const out = blankBand(g.widthMbs * g.rows).slice();
  const glyphs = glyphLuma();
  const perGlyph = GLYPH_WIDTH * GLYPH_HEIGHT;
  const perMb = 16 / GLYPH_WIDTH;
  fitOverlayLines(lines, bandCapacity(g)).forEach((line, row) => {
    let col = 0;
    for (const c of line) {
      const glyph = (c.codePointAt(0)! - FIRST_CHAR) * perGlyph;
      if (c !== ' ') {
        const base = (row * g.widthMbs + Math.floor(col / perMb)) * PCM_MB_BYTES + (col % perMb) * GLYPH_WIDTH;
        for (let y = 0; y < GLYPH_HEIGHT; y++) {
          const from = glyph + y * GLYPH_WIDTH, to = base + y * 16;
          for (let x = 0; x < GLYPH_WIDTH; x++) out[to + x] = glyphs[from + x]!;
        }
      }
      col++;
    }
  });
  return out;
}

/**
 * Read the band's text from a decoded picture's luma plane (`width` bytes per row): every cell
 * must match a glyph exactly, as I_PCM samples decode losslessly. A cell that matches none reads
 * as U+FFFD; trailing spaces and empty trailing lines are dropped.
 */
export function readBand(luma: Uint8Array, width: number, g: BandGeometry): string[] {
  const font = glyphTable();
  const cells = LAST_CHAR - FIRST_CHAR + 1;
  const top = (g.firstMb / g.widthMbs) * 16;
  const cap = bandCapacity(g);
  const lines: string[] = [];
  for (let row = 0; row < cap.lines; row++) {
    let text = '';
    for (let col = 0; col < cap.columns; col++) {
      let found = '\uFFFD';
      for (let c = 0; c < cells && found === '\uFFFD'; c++) {
        let same = true;
        for (let y = 0; y < GLYPH_HEIGHT && same; y++) {
          for (let x = 0; x < GLYPH_WIDTH; x++) {
            const at = (top + row * GLYPH_HEIGHT + y) * width + col * GLYPH_WIDTH + x;
            if (luma[at] !== lumaOf(font[c * GLYPH_WIDTH * GLYPH_HEIGHT + y * GLYPH_WIDTH + x]!)) { same = false; break; }
          }
        }
        if (same) found = String.fromCharCode(FIRST_CHAR + c);
      }
      text += found;
    }
    lines.push(text.trimEnd());
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
