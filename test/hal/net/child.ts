/**
 * A host inside a network namespace for the net contract suite: runs agent actions on a real
 * LinuxNet, one JSON line per request on stdin, one JSON line per answer on stdout.
 */
import { createInterface } from 'node:readline';
import { SystemClock } from '../../../hal/clock/linux.js';
import { LinuxNet } from '../../../hal/net/linux.js';
import { Agent, toWireError } from './agent.js';

const clock = new SystemClock();
const pollArg = process.argv.find((a) => a.startsWith('--link-poll-ms='));
const net = new LinuxNet({ clock, ...(pollArg ? { linkPollMs: Number(pollArg.split('=')[1]) } : {}) });
const agent = new Agent(net, clock);
const answer = (m: object) => process.stdout.write(`${JSON.stringify(m)}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let req: { id: number; action: string; args?: Record<string, unknown> };
  try {
    req = JSON.parse(line);
  } catch {
    answer({ id: -1, error: { name: 'SyntaxError', message: `child: not a JSON request: ${line.slice(0, 80)}` } });
    return;
  }
  agent.call(req.action, req.args).then(
    (ok) => answer({ id: req.id, ok: ok ?? null }),
    (e) => answer({ id: req.id, error: toWireError(e) }),
  );
});
lines.on('close', () => {
  void agent.shutdown().finally(() => process.exit(0));
});
