/** Runs a device bundle (dist/*.mjs) as a user would and collects what it prints. */
import { spawn } from 'node:child_process';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run to exit (or kill after `timeoutMs`). */
export function runBundle(bundle: string, args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`dist/${bundle}.mjs`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Start, wait for the ready line, send SIGTERM, and collect. */
export function runUntilReady(bundle: string, args: string[], timeoutMs = 20_000): Promise<Run & { ready: string | undefined }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`dist/${bundle}.mjs`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    let ready: string | undefined;
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.includes(' ready: '));
      if (line && !ready) { ready = line; child.kill('SIGTERM'); }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ready }); });
  });
}
