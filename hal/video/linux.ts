/**
 * Real camera: runs a capture command (rpicam-vid, ffmpeg, gst-launch) that writes H.264 Annex-B
 * to stdout, and turns its output into access units with the streaming parser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsc, renameSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Clock, Timer } from '../clock/contract.js';
import { DeviceMissingError, HalError } from '../errors.js';
import { AnnexBParser, type AnnexBUnit } from './annexb.js';
import {
  DEFAULT_MAX_ACCESS_UNIT_BYTES, frameInterval,
  type AccessUnitListener, type H264Profile, type VideoErrorListener, type VideoInfo, type VideoOverlay, type VideoSource,
  type VideoStream, type VideoStreamState, type VideoStreamStats,
} from './contract.js';
import { UnitDelivery } from './delivery.js';
import { fitOverlayLines, sameLines } from './overlay-lines.js';
import { ParameterSetCache, type SequenceParameters } from './parameter-sets.js';

export interface CaptureCommandOptions {
  /** The device clock (a SystemClock on hardware): timestamps and the stop grace timer. */
  clock: Clock;
  /**
   * The command and its arguments; the command is looked up on PATH unless it holds a '/'.
   * It must write raw H.264 Annex-B to stdout until killed, e.g.
   * `['rpicam-vid', '-t', '0', '--codec', 'h264', '--inline', '--width', '1920', '--height', '1080', '--framerate', '30', '-o', '-']`.
   */
  command: readonly string[];
  /** The picture size the command is told to produce; a stream of another size is an error. */
  width: number;
  height: number;
  /** The frame rate the command is told to produce (nominal: timestamps follow the clock). */
  fps: number;
  /** The H.264 profile the command is told to use (for info only). Default 'high'. */
  profile?: H264Profile;
  level?: number;
  /** Name in messages. Default: the command's name. */
  name?: string;
  /** Largest access unit accepted (default 4 MiB); a larger one ends the run with 'E2BIG'. */
  maxAccessUnitBytes?: number;
  /** After SIGTERM, wait this long (ms) before SIGKILL. Default 2000. */
  stopGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * The on-screen display: the driver writes the overlay's lines to this file (replaced whole,
   * one line per line of text, empty when none), and the capture command draws it, e.g. ffmpeg's
   * `drawtext=textfile=FILE:reload=1:expansion=none:...`, which rereads the file every frame. Its
   * directory must exist. Without it the camera has no overlay.
   */
  overlay?: { file: string; lines?: number; columns?: number };
}

/** Default size of a capture command's overlay. */
export const DEFAULT_OVERLAY_CAPACITY = { lines: 2, columns: 48 };

/** How far (ms) timestamps derived from the frame rate may run ahead of the clock. */
export const MAX_PTS_LEAD_MS = 1000;

/**
 * Timestamp of a unit that arrived at monotonic time `arrival`, after one stamped `previous`.
 * Units are spaced by the frame interval (pipe reads come in bursts; the encoder does not), but
 * the clock leads: a unit more than two intervals late (sensor stall, lost frames, a restart)
 * is stamped at its arrival, and stamps never run more than MAX_PTS_LEAD_MS ahead of arrival
 * (a command producing faster than its nominal rate). Always above `previous`.
 */
export function captureTimestamp(previous: number, arrival: number, frameMs: number): number {
  if (!(previous > -Infinity)) return arrival;
  let pts = previous + frameMs;
  if (pts < arrival - 2 * frameMs) pts = arrival;
  if (pts > arrival + MAX_PTS_LEAD_MS) pts = Math.max(arrival + MAX_PTS_LEAD_MS, previous + 1e-3);
  return pts;
}

/** The absolute path `command` runs from, or undefined when it is not an executable on PATH. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const path of candidates) {
    try {
      accessSync(path, fsc.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));
const STDERR_TAIL_BYTES = 4096;
const STDERR_TAIL_LINES = 5;

/** A text file the capture command draws from: each change replaces the file whole (write, then rename). */
export class OverlayTextFile implements VideoOverlay {
  readonly capacity: { lines: number; columns: number };
  private shown: string[] = [];

  constructor(readonly file: string, capacity: Partial<{ lines: number; columns: number }> = {}) {
    if (typeof file !== 'string' || file === '') throw new TypeError(`overlay: file must be a path, got ${JSON.stringify(file)}`);
    this.capacity = { ...DEFAULT_OVERLAY_CAPACITY, ...capacity };
    for (const [k, v] of Object.entries(this.capacity)) {
      if (!Number.isInteger(v) || v < 1 || v > 200) throw new RangeError(`overlay: ${k} must be a whole number 1-200, got ${v}`);
    }
  }

  get lines(): readonly string[] { return this.shown; }

  set(lines: readonly string[]): void {
    const fitted = fitOverlayLines(lines, this.capacity);
    if (sameLines(fitted, this.shown)) return;
    this.write(fitted);
    this.shown = fitted;
  }

  /** Write the file now (the capture command may need it to exist before it starts). */
  write(lines: readonly string[] = this.shown): void {
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, lines.join('\n'));
      renameSync(tmp, this.file);
    } catch (cause) {
      throw new HalError('EIO', `overlay: cannot write ${this.file} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}); expected a writable file in an existing directory`, { cause });
    }
  }
}

export class CaptureCommandVideo implements VideoSource {
  readonly name: string;
  readonly info: VideoInfo;
  readonly overlay: OverlayTextFile | undefined;

  constructor(readonly options: CaptureCommandOptions) {
    const argv = options?.command;
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string') || argv[0] === '') {
      throw new TypeError(`CaptureCommandVideo: command must be a non-empty array of strings (argv), got ${JSON.stringify(argv)}`);
    }
    for (const key of ['width', 'height'] as const) {
      const v = options[key];
      if (!Number.isInteger(v) || v < 16 || v > 16384) throw new RangeError(`CaptureCommandVideo: ${key} must be an integer of pixels in [16, 16384], got ${v}`);
    }
    frameInterval(options.fps, 'CaptureCommandVideo');
    this.name = options.name ?? argv[0]!;
    this.overlay = options.overlay ? new OverlayTextFile(options.overlay.file, {
      ...(options.overlay.lines !== undefined ? { lines: options.overlay.lines } : {}),
      ...(options.overlay.columns !== undefined ? { columns: options.overlay.columns } : {}),
    }) : undefined;
    this.info = {
      codec: 'h264', width: options.width, height: options.height, fps: options.fps, profile: options.profile ?? 'high',
      ...(options.level !== undefined ? { level: options.level } : {}),
    };
  }

  /** Rejects with DeviceMissingError when the command is not an executable on PATH. */
  async open(): Promise<VideoStream> {
    await tick();
    const command = this.options.command[0]!;
    const env = this.options.env ?? process.env;
    if (!findOnPath(command, env, this.options.cwd)) {
      throw new DeviceMissingError(`capture command ${command}`, command.includes('/') ? command : `PATH=${env.PATH ?? ''}`,
        command.includes('/') ? 'an executable file' : `an executable named ${command} on PATH`);
    }
    // The command reads the overlay file from its first frame on (ffmpeg's drawtext fails without one).
    this.overlay?.write();
    return new CaptureCommandStream(this);
  }
}

class CaptureCommandStream implements VideoStream {
  private delivery = new UnitDelivery();
  private current: VideoStreamState = 'idle';
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  /** Bumped by every start() and stop(), so a start() overtaken by stop() backs out. */
  private run = 0;
  private parser: AnnexBParser;
  private parameterSets = new ParameterSetCache();
  private checkedSequence: SequenceParameters | undefined;
  private stderrTail = '';
  private readonly frameMs: number;
  private readonly commandLine: string;

  constructor(private readonly source: CaptureCommandVideo) {
    this.frameMs = 1000 / source.info.fps;
    this.commandLine = source.options.command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
    this.parser = new AnnexBParser((unit) => this.unit(unit), {
      maxAccessUnitBytes: source.options.maxAccessUnitBytes ?? DEFAULT_MAX_ACCESS_UNIT_BYTES,
    });
  }

  get info(): VideoInfo { return this.source.info; }
  get state(): VideoStreamState { return this.current; }
  get stats(): VideoStreamStats { return this.delivery.stats; }
  get lastError(): HalError | undefined { return this.delivery.lastError; }

  onAccessUnit(listener: AccessUnitListener): () => void {
    return this.delivery.onAccessUnit(listener);
  }

  onError(listener: VideoErrorListener): () => void {
    return this.delivery.onError(listener);
  }

  start(): Promise<void> {
    if (this.current === 'running') return tick();
    this.starting ??= this.spawnCapture().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async spawnCapture(): Promise<void> {
    const run = ++this.run;
    if (this.stopping) await this.stopping;
    if (run !== this.run) return;
    const { command, env, cwd } = this.source.options;
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? process.env,
      cwd,
      // Its own process group, so stop() also ends what a shell wrapper started.
      detached: true,
    });
    child.once('close', () => closedChildren.add(child));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          reject(new DeviceMissingError(`capture command ${command[0]}`, `PATH=${(env ?? process.env).PATH ?? ''}`,
            `an executable named ${command[0]} (it was there at open() and is gone)`, { cause: e }));
        } else {
          reject(new HalError('ECAPTURE', `capture command \`${this.commandLine}\` could not start: ${e.message}`, { cause: e }));
        }
      });
    });
    if (run !== this.run) {
      // stop() was called while the command started.
      this.stopping = this.terminate(child).finally(() => { this.stopping = undefined; });
      return;
    }
    this.child = child;
    this.current = 'running';
    this.stderrTail = '';
    this.checkedSequence = undefined;
    this.parser.reset();
    this.delivery.restart();
    child.on('error', (e) => this.failRun(child, new HalError('ECAPTURE', `capture command \`${this.commandLine}\`: ${e.message}`, { cause: e })));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.child !== child || this.current !== 'running') return;
      try {
        this.parser.push(chunk);
      } catch (e) {
        this.failRun(child, e instanceof HalError ? e : new HalError('ECAPTURE', String(e), { cause: e }));
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    child.once('close', (code, signal) => this.closed(child, code, signal));
  }

  async stop(): Promise<void> {
    this.run++;
    this.delivery.halt();
    if (this.current === 'running') this.current = 'stopped';
    const child = this.child;
    if (child) {
      this.child = undefined;
      this.stopping = this.terminate(child).finally(() => { this.stopping = undefined; });
    } else if (this.starting) {
      await this.starting.catch(() => {});
    }
    await (this.stopping ?? tick());
  }

  /** SIGTERM the capture's process group, SIGKILL after the grace period; resolve at exit. */
  private terminate(child: ChildProcess): Promise<void> {
    return new Promise<void>((resolve) => {
      // Until 'close' something of the group may still hold the pipe: signal it even when the
      // command itself has exited.
      if (closedChildren.has(child)) {
        resolve();
        return;
      }
      let killTimer: Timer | undefined;
      child.once('close', () => {
        killTimer?.cancel();
        resolve();
      });
      signalGroup(child, 'SIGTERM');
      killTimer = this.source.options.clock.setTimeout(() => signalGroup(child, 'SIGKILL'), this.source.options.stopGraceMs ?? 2000);
    });
  }

  /** The run ends with `error`: kill what is left of the capture and report it. */
  private failRun(child: ChildProcess, error: HalError): void {
    if (this.child !== child || this.current !== 'running') return;
    this.current = 'failed';
    this.delivery.halt();
    this.child = undefined;
    this.stopping = this.terminate(child).finally(() => { this.stopping = undefined; });
    this.delivery.fail(error);
  }

  private closed(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child || this.current !== 'running') return;
    // A clean exit ended the stream properly: its last unit is whole.
    if (code === 0) {
      try {
        this.parser.end();
      } catch (e) {
        if (!(e instanceof HalError)) throw e;
      }
    }
    if (this.child !== child || this.current !== 'running') return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const lines = this.stderrTail.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-STDERR_TAIL_LINES);
    const stderr = lines.length ? `; stderr: ${lines.join(' | ')}` : '; it wrote nothing to stderr';
    this.current = 'failed';
    this.child = undefined;
    this.delivery.fail(new HalError('ECAPTURE', `capture command \`${this.commandLine}\` ${how}${stderr}: expected it to run until stopped`));
  }

  private unit(found: AnnexBUnit): void {
    const child = this.child;
    if (!child || this.current !== 'running') return;
    const unit = this.parameterSets.complete(found);
    const sps = this.parameterSets.sequence;
    if (sps && sps !== this.checkedSequence) {
      this.checkedSequence = sps;
      const { width, height } = this.source.info;
      if (sps.width !== width || sps.height !== height) {
        this.failRun(child, new HalError('EFORMAT',
          `capture command \`${this.commandLine}\` sends ${sps.width}x${sps.height} pictures: expected ${width}x${height} as configured (width/height)`));
        return;
      }
    }
    const pts = captureTimestamp(this.delivery.previousPts, this.source.options.clock.monotonic(), this.frameMs);
    this.delivery.deliver({
      data: unit.data, keyframe: unit.keyframe, pts, duration: this.frameMs, sequence: this.delivery.nextSequence(),
    });
  }
}

/** Capture processes whose stdio has closed after exit ('close' was emitted). */
const closedChildren = new WeakSet<ChildProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}
