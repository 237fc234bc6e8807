/**
 * `destination`: run the reference content destination on a directory, e.g.
 * `node dist/destination.mjs --root /srv/cd --port 8080 --user alice:secret`, and optionally
 * write the connection file that points the controller at it.
 */
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { startDestinationServer, type DestinationServer } from './server.js';
import { connectionFileText } from '../../firmware/controller/destination/connection-file.js';

export const USAGE = `usage: destination --root DIR [--port N] [--host ADDR] --user NAME:KEY [--user ...]
                   [--full-after-bytes N] [--clock-skew-ms N] [--max-clock-skew-ms N]
                   [--connection-file PATH]

Runs the reference content destination (the Swift subset: /auth/v1.0, /v1/AUTH_<user>/...)
storing recordings under DIR.

  --root DIR               where containers and objects are stored (created if missing)
  --port N                 TCP port (default 8080; 0 picks a free one)
  --host ADDR              address to listen on (default 127.0.0.1)
  --user NAME:KEY          an account; repeat for more (at least one)
  --full-after-bytes N     answer 507 (destination full) once N bytes are stored
  --clock-skew-ms N        run the destination's clock N ms off the host's
  --max-clock-skew-ms N    refuse requests whose Date/X-Timestamp is further off (default 300000)
  --connection-file PATH   write a connection file for the first user to PATH
  -h, --help               this text
`;

export interface CliIo { out: (s: string) => void; err: (s: string) => void }

/** Start the server from command-line arguments; resolves to the server, or to an exit code on bad usage. */
export async function runDestinationCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<DestinationServer | number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        root: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, user: { type: 'string', multiple: true },
        'full-after-bytes': { type: 'string' }, 'clock-skew-ms': { type: 'string' }, 'max-clock-skew-ms': { type: 'string' },
        'connection-file': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true, allowPositionals: false,
    }).values;
  } catch (e) {
    io.err(`destination: error: ${(e as Error).message}; see --help\n`);
    return 2;
  }
  if (v.help) { io.out(USAGE); return 0; }
  const problems: string[] = [];
  const int = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value) || Number(value) < min) { problems.push(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}`); return undefined; }
    return Number(value);
  };
  if (!v.root) problems.push('--root: expected a directory to store recordings in');
  const port = int('port', v.port, 0) ?? 8080;
  const users: Record<string, string> = {};
  for (const u of v.user ?? []) {
    const i = u.indexOf(':');
    if (i <= 0 || i === u.length - 1) problems.push(`--user: expected NAME:KEY, got ${JSON.stringify(u)}`);
    else users[u.slice(0, i)] = u.slice(i + 1);
  }
  if (!v.user?.length) problems.push('--user: expected at least one NAME:KEY');
  const fullAfterBytes = int('full-after-bytes', v['full-after-bytes'], 0);
  const clockSkewMs = int('clock-skew-ms', v['clock-skew-ms'], Number.MIN_SAFE_INTEGER);
  const maxClockSkewMs = int('max-clock-skew-ms', v['max-clock-skew-ms'], 0);
  if (problems.length) { io.err(`destination: error: ${problems.join('; ')}; see --help\n`); return 2; }
  let server: DestinationServer;
  try {
    server = await startDestinationServer({
      root: v.root!, port, host: v.host ?? '127.0.0.1', users,
      ...(fullAfterBytes !== undefined ? { fullAfterBytes } : {}),
      ...(clockSkewMs !== undefined ? { clockSkewMs } : {}),
      ...(maxClockSkewMs !== undefined ? { maxClockSkewMs } : {}),
    });
  } catch (e) {
    io.err(`destination: error: cannot start on ${v.host ?? '127.0.0.1'}:${port}: ${(e as Error).message}\n`);
    return 1;
  }
  const [first, key] = Object.entries(users)[0]!;
  if (v['connection-file']) await writeFile(v['connection-file'], connectionFileText({ authUri: server.authUrl, user: first, key }));
  io.out(`destination: listening on ${server.url} (auth ${server.authUrl}), storing under ${server.root}${v['connection-file'] ? `, connection file ${v['connection-file']}` : ''}\n`);
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runDestinationCli(process.argv.slice(2));
  if (typeof r === 'number') process.exit(r);
  const stop = () => { void r.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
