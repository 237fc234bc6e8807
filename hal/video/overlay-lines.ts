/**
 * The text an overlay can show: lines of printable ASCII, cut to the display's size. Shared by
 * every VideoOverlay (the emulated encoder's band, a capture command's text file).
 */

/** Shown for a character outside printable ASCII. */
const MISSING = '?';

/**
 * `lines` as a display of `cap` shows them: lines past `cap.lines` dropped, each cut to
 * `cap.columns` characters, characters outside printable ASCII (32-126) shown as '?', empty
 * trailing lines dropped. Throws TypeError for anything but an array of strings.
 */
export function fitOverlayLines(lines: readonly string[], cap: { lines: number; columns: number }): string[] {
  if (!Array.isArray(lines) || lines.some((l) => typeof l !== 'string')) {
    throw new TypeError(`overlay: expected an array of text lines, got ${JSON.stringify(lines)}`);
  }
  const fitted = lines.slice(0, cap.lines).map((l) => [...l].slice(0, cap.columns)
    .map((c) => { const code = c.codePointAt(0)!; return code >= 32 && code <= 126 ? c : MISSING; }).join(''));
  while (fitted.length > 0 && fitted[fitted.length - 1] === '') fitted.pop();
  return fitted;
}

export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
