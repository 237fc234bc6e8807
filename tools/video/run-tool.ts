/**
 * Run ffmpeg or ffprobe on bytes: stdin in, stdout and stderr collected. For the tools that
 * read recordings back (read-overlay.ts, read-audio.ts).
 */
import { spawn } from 'node:child_process';

export async function runTool(command: string, args: string[], input: Uint8Array): Promise<{ code: number | null; out: Buffer; err: string }> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  child.stdin.on('error', () => { /* the tool exited early: its exit code says why */ });
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`cannot run ${command} (${e.message}); expected Debian's ffmpeg on PATH`)));
    child.on('close', resolve);
  });
  return { code, out: Buffer.concat(out), err: err.trim() };
}
