/** One line of the bench's table, and the helpers sections share to write theirs. */
export interface Row { target: string; measured: string; baseline: string; ratio: string; limit: string; ok: boolean }

export const say = (s: string): void => { process.stderr.write(`${s}\n`); };
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The value of `--name N` on the command line, or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number, got ${process.argv[i + 1]}`);
  return v;
}
