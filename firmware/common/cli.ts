/**
 * The device command line shared by dist/camera.mjs and dist/controller.mjs:
 * `--board NAME --config FILE`, a one-line ready message, --help, clean shutdown on signals,
 * and one clear error line with a non-zero exit instead of a stack trace.
 */
import { parseArgs } from 'node:util';
import { ConfigError, HalError } from '../../hal/errors.js';
import { boardNames, loadBoard } from '../../hal/boards/index.js';
import { checkConfig, describeSchema, readConfigFile } from '../../hal/boards/config.js';
import type { Board, Target } from '../../hal/boards/board.js';
import type { CameraHal, ControllerHal } from '../../hal/boards/contract.js';
import { FIRMWARE_VERSION } from './version.js';
import { logger } from './log.js';

export interface Running {
  /** One line of what is running, for the ready message. */
  summary: string;
  stop(): Promise<void>;
  /** Resolves or rejects when the runtime ends on its own (a fatal device error). */
  done: Promise<void>;
}

export interface DeviceEntry<H> {
  target: Target;
  /** Runtime switches of this target (`--name`), with their help text. */
  switches?: Record<string, string>;
  /** Runtime options taking a value (`--name VALUE`): name -> [value placeholder, help text]. */
  options?: Record<string, [string, string]>;
  start(hal: H, log: ReturnType<typeof logger>, switches: Record<string, boolean>, options: Record<string, string | undefined>): Promise<Running>;
}

/** Exit codes: 0 clean stop, 1 device or runtime failure, 2 bad usage or configuration. */
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export async function runDevice<H extends CameraHal | ControllerHal>(entry: DeviceEntry<H>, argv = process.argv.slice(2)): Promise<number> {
  const started = performance.now();
  const { target } = entry;
  const fail = (code: number, message: string, err?: unknown) => {
    process.stderr.write(`${target}: error: ${message}\n`);
    if (err && process.env.BWC_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return code;
  };

  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        board: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        ...Object.fromEntries(Object.keys(entry.switches ?? {}).map((k) => [k, { type: 'boolean' as const }])),
        ...Object.fromEntries(Object.keys(entry.options ?? {}).map((k) => [k, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    return fail(EXIT_USAGE, `${(e as Error).message}; see --help`);
  }

  if (args.version) {
    process.stdout.write(`${FIRMWARE_VERSION}\n`);
    return 0;
  }
  if (args.help) {
    process.stdout.write(await usage(target, entry.switches ?? {}, entry.options ?? {}));
    return 0;
  }
  if (!args.board) return fail(EXIT_USAGE, `missing --board NAME; expected one of: ${boardNames(target).join(', ')}`);

  const log = logger(target, args.verbose ?? Boolean(process.env.BWC_DEBUG));
  let hal: H;
  try {
    const board = (await loadBoard(target as never, args.board)) as Board<H>;
    const raw = args.config ? await readConfigFile(args.config) : {};
    const config = checkConfig<Record<string, unknown>>(raw, board.schema, args.config ? `config file ${args.config}` : `board ${board.name} defaults (no --config given)`);
    hal = await board.open(config, { log: (ns, m) => log.debug(ns, m) });
  } catch (e) {
    if (e instanceof ConfigError) return fail(EXIT_USAGE, e.message, e);
    if (e instanceof HalError) return fail(EXIT_RUNTIME, e.message, e);
    return fail(EXIT_RUNTIME, `could not start board ${args.board}: ${(e as Error).message}`, e);
  }

  let running: Running;
  try {
    const switches = Object.fromEntries(Object.keys(entry.switches ?? {}).map((k) => [k, Boolean((args as Record<string, unknown>)[k])]));
    const options = Object.fromEntries(Object.keys(entry.options ?? {}).map((k) => [k, (args as Record<string, unknown>)[k] as string | undefined]));
    running = await entry.start(hal, log, switches, options);
  } catch (e) {
    await hal.close().catch(() => {});
    return fail(e instanceof ConfigError ? EXIT_USAGE : EXIT_RUNTIME, (e as Error).message, e);
  }
  process.stdout.write(`${target} ready: board=${args.board} ${running.summary} firmware=${FIRMWARE_VERSION} in ${Math.round(performance.now() - started)} ms\n`);

  const stopped = new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info('main', `${signal}: stopping`);
      running.stop().then(() => hal.close()).then(() => resolve(0), (e) => resolve(fail(EXIT_RUNTIME, `while stopping: ${(e as Error).message}`, e)));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  const died = running.done.then(
    () => 0,
    async (e) => {
      await running.stop().catch(() => {});
      await hal.close().catch(() => {});
      return fail(EXIT_RUNTIME, (e as Error).message, e);
    },
  );
  return Promise.race([stopped, died]);
}

async function usage(target: Target, switches: Record<string, string>, options: Record<string, [string, string]>): Promise<string> {
  const names = Object.keys(switches).map((k) => ` [--${k}]`).join('') + Object.entries(options).map(([k, [v]]) => ` [--${k} ${v}]`).join('');
  const lines = [
    `usage: ${target}.mjs --board NAME [--config FILE] [--verbose]${names}`,
    '',
    `Runs the ${target} runtime on a board. Prints one "${target} ready: ..." line when up;`,
    'SIGINT/SIGTERM stop it cleanly. Exit status: 0 stopped, 1 device or runtime failure,',
    '2 bad usage or configuration.',
    '',
    'Options:',
    '  --board NAME    which board (drivers) to run on; see below',
    '  --config FILE   JSON settings for that board (at most 64 kB); defaults apply without it',
    '  --verbose, -v   log driver and runtime events to stderr (also BWC_DEBUG=1)',
    '  --version       print the firmware version',
    ...Object.entries(switches).map(([k, doc]) => `  --${k.padEnd(14)}${doc}`),
    ...Object.entries(options).map(([k, [v, doc]]) => `  --${`${k} ${v}`.padEnd(14)} ${doc}`),
    '',
    'Boards and their config settings:',
  ];
  for (const name of boardNames(target)) {
    const board = await loadBoard(target as never, name) as Board<unknown>;
    lines.push(`  ${name}: ${board.description}`);
    lines.push(...describeSchema(board.schema, '      '));
  }
  return `${lines.join('\n')}\n`;
}
