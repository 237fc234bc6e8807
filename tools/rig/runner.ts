/**
 * The rig's runner: walks a scenario's steps in time order against a RigTarget, prints each step
 * and expectation as it goes, and stops at the first unmet expectation (or failed step), naming it.
 */
import { selfAssignReadiness } from '../../firmware/common/self-assign.js';
import { formatMs } from './parse.js';
import type { Expectation, RecordingPick, Scenario } from './scenario.js';
import type { Answer, RigRecording, RigTarget } from './target.js';
import { isLocationExpectation, locationUnmet } from './location-checks.js';
import { isOverlayExpectation, overlayUnmet } from './overlay-checks.js';

export interface RunFailure {
  line: number;
  /** The step as written. */
  step: string;
  /** `file:line: <step>: expected ..., saw ...` */
  message: string;
}

export interface RunResult {
  ok: boolean;
  /** Steps run (including the failed one). */
  steps: number;
  failure?: RunFailure;
}

export interface RunOptions {
  /** Where progress lines go (default stdout). */
  write?: (line: string) => void;
}

/** Why an expectation is unmet: what was expected and what was seen. */
class Unmet extends Error {}

const unsupported = (what: string) => new Unmet(`not supported by this runtime yet: ${what}`);

function answer<T>(a: Answer<T>): T {
  if (!a.supported) throw unsupported(a.what);
  return a.value;
}

export async function runScenario(scenario: Scenario, target: RigTarget, options: RunOptions = {}): Promise<RunResult> {
  const write = options.write ?? ((l: string) => { process.stdout.write(l); });
  write(`rig: ${scenario.file}: ${scenario.devices.length} device(s), ${scenario.steps.length} step(s) on ${target.description}\n`);
  let steps = 0;
  try {
    try {
      await target.start(scenario.devices);
    } catch (e) {
      const failure = { line: 0, step: 'start', message: `${scenario.file}: the devices could not be started: ${(e as Error).message}` };
      write(`${failure.message}\n`);
      return { ok: false, steps, failure };
    }
    for (const d of scenario.devices) {
      write(`  device ${d.name}: ${d.model} ${d.serial}${d.user ? ` user ${d.user}` : ''}${d.adopted ? '' : ', not adopted'}${d.docked ? ', docked' : ''}\n`);
    }
    for (const s of scenario.steps) {
      steps++;
      const head = `${formatMs(s.atMs).padStart(10)} ${s.text} ...`;
      try {
        await target.advanceTo(s.atMs);
        if (s.step.type === 'action') {
          await target.apply(s.step.action);
          await target.settle();
        } else {
          await target.settle();
          await check(target, s.step.expect);
        }
        write(`${head} ok\n`);
      } catch (e) {
        const why = e instanceof Unmet ? e.message : `could not be done: ${(e as Error).message}`;
        const failure = { line: s.line, step: s.text, message: `${scenario.file}:${s.line}: ${s.text}: ${why}` };
        write(`${head} FAILED\n${failure.message}\n`);
        return { ok: false, steps, failure };
      }
    }
    write(`rig: ${scenario.file}: all ${steps} step(s) passed\n`);
    return { ok: true, steps };
  } finally {
    await target.close();
  }
}

function pick(list: RigRecording[], which: RecordingPick): RigRecording {
  const r = which === 'last' ? list[list.length - 1] : list[which - 1];
  if (!r) throw new Unmet(`expected recording ${which} to exist, saw ${list.length} recording(s)`);
  return r;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;

async function check(target: RigTarget, x: Expectation): Promise<void> {
  if (isLocationExpectation(x) || isOverlayExpectation(x)) {
    const why = isLocationExpectation(x) ? await locationUnmet(target, x) : await overlayUnmet(target, x);
    if (why !== undefined) throw new Unmet(why);
    return;
  }
  switch (x.kind) {
    case 'state': {
      const s = await target.state(x.device, x.state);
      if (!s.reportable.includes(x.state)) throw unsupported(`state ${x.state} (this runtime reports ${s.reportable.join(', ')})`);
      if (s.state !== x.state) throw new Unmet(`expected state ${x.state}, saw ${s.state}`);
      return;
    }
    case 'led': {
      const { pattern, litColor } = answer(await target.led(x.device, x.led));
      const seen = pattern.kind === 'off' ? 'off' : pattern.kind === 'sequence' ? 'a sequence' : `${pattern.color} ${pattern.kind}`;
      const ok = x.color === 'off' ? pattern.kind === 'off'
        : x.mode === 'lit' ? litColor === x.color
          : pattern.kind === x.mode && pattern.color === x.color;
      if (!ok) throw new Unmet(`expected LED ${x.led} ${x.color === 'off' ? 'off' : `${x.color} ${x.mode}`}, saw ${seen}${x.mode === 'lit' ? ` (${litColor ?? 'dark'} now)` : ''}`);
      return;
    }
    case 'recordings': {
      const list = answer(await target.recordings(x.device));
      const n = x.status ? list.filter((r) => r.status === x.status).length : list.length;
      if (n !== x.count) {
        const by = ['open', 'closed', 'interrupted'].map((s) => `${list.filter((r) => r.status === s).length} ${s}`).join(', ');
        throw new Unmet(`expected ${x.count} ${x.status ? `${x.status} ` : ''}recording(s), saw ${list.length} (${by})`);
      }
      return;
    }
    case 'recording-time': {
      const r = pick(answer(await target.recordings(x.device)), x.pick);
      const a = x.property === 'prebuffer' ? [r.triggerOnTimeMs, r.startTimeMs] : [r.stopTimeMs, r.triggerOffTimeMs];
      if (a[0] === undefined || a[1] === undefined) throw new Unmet(`expected recording ${x.pick} ${x.property} ${seconds(x.ms)}, but it is ${r.status} (times known once closed)`);
      const got = a[0] - a[1];
      if (Math.abs(got - x.ms) > x.toleranceMs) throw new Unmet(`expected recording ${x.pick} ${x.property} ${seconds(x.ms)} within ${seconds(x.toleranceMs)}, saw ${seconds(got)}`);
      return;
    }
    case 'recording-fact': {
      const r = pick(answer(await target.recordings(x.device)), x.pick);
      const got = x.property === 'status' ? r.status : x.property === 'user' ? r.userId : x.property === 'trigger-on' ? r.triggerOnReason : r.triggerOffReason;
      if (got !== x.value) throw new Unmet(`expected recording ${x.pick} ${x.property} ${x.value}, saw ${got ?? 'none'}`);
      return;
    }
    case 'bookmarks': {
      const n = answer(await target.bookmarks(x.device));
      if (n !== x.count) throw new Unmet(`expected ${x.count} bookmark(s), saw ${n}`);
      return;
    }
    case 'alert': {
      const list = answer(await target.alerts(x.device));
      const seen = list.filter((a) => a === x.alert).length;
      if (seen < (x.times ?? 1)) throw new Unmet(`expected alert ${x.alert}${x.times ? ` at least ${x.times} times (saw it ${seen})` : ''}, saw ${list.join(', ') || 'none'}`);
      return;
    }
    case 'feedback': {
      if (!target.feedback) throw unsupported('played feedback on this target');
      const n = answer(await target.feedback(x.device));
      if (n !== x.count) throw new Unmet(`expected ${x.count} vibration/sound pattern(s) played, saw ${n}`);
      return;
    }
    case 'self-assign': {
      if (!target.readiness) throw unsupported('self-assign readiness on this target');
      const levels = answer(await target.readiness(x.device));
      const r = selfAssignReadiness(levels.batteryPercent, levels.storageFreePercent);
      const seen = r.ready ? `ready (battery ${levels.batteryPercent} %, storage free ${levels.storageFreePercent} %)` : `not ready: ${r.reasons.join('; ')}`;
      if (r.ready !== x.ready) throw new Unmet(`expected ${x.ready ? 'ready' : 'not ready'} for self-assign, saw ${seen}`);
      return;
    }
    case 'silent': {
      if (!target.silent) throw unsupported('silent mode on this target');
      const on = answer(await target.silent(x.device));
      if (on !== x.on) throw new Unmet(`expected silent mode ${x.on ? 'on' : 'off'}, saw ${on ? 'on' : 'off'}`);
      return;
    }
    case 'battery': {
      const level = answer(await target.battery(x.device));
      if (Math.abs(level - x.percent) > x.tolerance) throw new Unmet(`expected battery ${x.percent}% within ${x.tolerance}%, saw ${level}%`);
      return;
    }
  }
}

