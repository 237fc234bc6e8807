/**
 * The scenario parser: one step per line, `#` comments, every mistake reported as
 * `file:line: field: expected ..., got "..."` (ScenarioError). Pure: text in, Scenario out.
 */
import {
  ScenarioError, type Action, type DeviceDecl, type Expectation, type RecordingPick, type RigRecorderSettings, type Scenario, type TimedStep,
} from './scenario.js';
import { parseGnssAction, parseLocationExpectation, parseWalkAction } from './parse-location.js';

const TIME_HINT = 'a time like 12s, 1m30s or 500ms';
const DURATION_RE = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const BUTTON_RE = /^[a-z][a-z0-9-]*$/;
const RECORDING_STATUSES = ['open', 'closed', 'interrupted'] as const;
const LED_MODES = ['steady', 'flash', 'lit'] as const;
const DEVICE_KEYS = ['model', 'serial', 'user', 'user-name', 'profile', 'prebuffer', 'postbuffer', 'always-record', 'activation', 'battery', 'docked', 'adopted', 'board', 'config', 'position', 'evaluation'] as const;
const ACTION_VERBS = ['press', 'double-press', 'hold', 'release', 'dock', 'undock', 'battery', 'clock', 'power-cut', 'power-off', 'power-on', 'move', 'kit', 'radio', 'holster', 'pair', 'motion', 'gnss', 'walk', 'cube', 'storage', 'assign', 'self-assign', 'wait', 'expect'] as const;
const POINT_RE = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/;
const HOLSTER_OPS = ['add', 'move', 'unholster', 'holster', 'power-on', 'power-off'] as const;
const EXPECT_WHATS = ['state', 'led', 'recordings', 'recording', 'bookmarks', 'alert', 'battery', 'silent', 'feedback', 'self-assign', 'assignment', 'microphone'] as const;

/** `12s`, `1m30s`, `500ms`, `1.5s`, `2h` in ms, or undefined when it is not a time. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (!m || text === '') return undefined;
  const [, h, min, s, ms] = m;
  return Math.round(Number(h ?? 0) * 3600_000 + Number(min ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0));
}

/** Words of a line; `"..."` keeps spaces; `#` outside quotes starts a comment. */
function tokenize(line: string, bad: (field: string, detail: string) => ScenarioError): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '#') break;
    let word = '';
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw bad('quote', 'a closing " before the end of the line');
        word += line.slice(i + 1, end);
        i = end + 1;
      } else {
        word += line[i];
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

const quote = (s: string | undefined) => (s === undefined ? 'nothing' : JSON.stringify(s));
const oneOf = (list: readonly string[]) => list.join(', ');

/** Parse a scenario's text. `file` names it in errors. Profile files are only named here (see loadScenario). */
export function parseScenario(text: string, file = 'scenario.rig'): Scenario {
  const devices: DeviceDecl[] = [];
  const steps: TimedStep[] = [];
  let now = 0;
  let previousAtLine = 0;
  const lines = text.split(/\r?\n/);
  for (let n = 1; n <= lines.length; n++) {
    const bad = (field: string, detail: string) => new ScenarioError(file, n, field, detail);
    const expected = (field: string, what: string, got: string | undefined) => bad(field, `expected ${what}, got ${quote(got)}`);
    const words = tokenize(lines[n - 1]!, bad);
    if (words.length === 0) continue;
    let w = 0;
    const next = () => words[w++];
    const peek = () => words[w];
    const rest = () => words.slice(w);
    const end = (field: string) => {
      if (w < words.length) throw bad(field, `unexpected ${quote(words[w])} after the end of the step`);
    };
    const duration = (field: string, hint = TIME_HINT) => {
      const word = next();
      const ms = word === undefined ? undefined : parseDuration(word);
      if (ms === undefined) throw expected(field, hint, word);
      return ms;
    };
    const count = (field: string) => {
      const word = next();
      if (word === undefined || !/^\d+$/.test(word)) throw expected(field, 'a whole number like 0, 1 or 2', word);
      return Number(word);
    };
    const percent = (field: string) => {
      const word = next();
      const m = word === undefined ? null : /^(\d+(?:\.\d+)?)%?$/.exec(word);
      const v = m ? Number(m[1]) : NaN;
      if (!(v >= 0 && v <= 100)) throw expected(field, 'a percentage 0-100 like 15%', word);
      return v;
    };
    const point = (field: string) => {
      const word = next();
      const m = word === undefined ? null : POINT_RE.exec(word);
      if (!m) throw expected(field, 'a position X,Y in metres like 40,0', word);
      return { x: Number(m[1]), y: Number(m[2]) };
    };
    const holsterSerial = (field: string) => {
      const word = next();
      if (word === undefined || !/^[A-Za-z0-9]{6}$/.test(word)) throw expected(field, 'a holster sensor\'s 6-character serial like A1B2C3', word);
      return word.toUpperCase();
    };
    const device = (field = 'device') => {
      const word = next();
      if (word === undefined) throw expected(field, 'a device name', word);
      if (!devices.some((d) => d.name === word)) {
        throw bad(field, `${quote(word)} is not declared; declared: ${devices.map((d) => d.name).join(', ') || 'none (add a "device NAME ..." line first)'}`);
      }
      return word;
    };
    const buttons = (field = 'button') => {
      const word = next();
      const list = word?.split('+') ?? [];
      if (word === undefined || list.length === 0 || !list.every((b) => BUTTON_RE.test(b)) || new Set(list).size !== list.length) {
        throw expected(field, 'a button like record, or a chord like function+record', word);
      }
      return list;
    };

    const first = next()!;
    if (first === 'device') {
      if (steps.length > 0) throw bad('device', `devices are declared before the first step (line ${steps[0]!.line})`);
      devices.push({ ...parseDevice(words.slice(1), devices, bad, expected), line: n });
      continue;
    }

    // The time of the step: `at T` (from the start), `after D` (from the previous step), or the previous step's time.
    let word: string | undefined = first;
    let atMs = now;
    if (first === 'at') {
      atMs = duration('at');
      if (atMs < now) throw bad('at', `${words[1]} is before the previous step (line ${previousAtLine}, at ${formatMs(now)}); steps go in time order`);
      word = next();
    } else if (first === 'after') {
      atMs = now + duration('after', 'a duration like 2s, 1m30s or 500ms');
      word = next();
    }
    if (word === undefined) throw expected('step', `a step after the time (${oneOf(ACTION_VERBS)})`, word);
    const textStart = w - 1;
    let step: TimedStep['step'];
    switch (word) {
      case 'wait': {
        const ms = duration('wait', 'a duration like 5s, 1m30s or 500ms');
        end('wait');
        atMs += ms;
        step = { type: 'action', action: { kind: 'wait', ms } };
        break;
      }
      case 'press': case 'double-press': case 'release': {
        const d = device();
        const b = buttons();
        end(word);
        step = { type: 'action', action: { kind: word, device: d, buttons: b } };
        break;
      }
      case 'hold': {
        const d = device();
        const b = buttons();
        let forMs: number | undefined;
        if (peek() !== undefined) {
          if (next() !== 'for') throw expected('hold', '"for DURATION" (or nothing: held until a release step)', words[w - 1]);
          forMs = duration('for', 'a duration like 3s');
        }
        end('hold');
        step = { type: 'action', action: { kind: 'hold', device: d, buttons: b, ...(forMs !== undefined ? { forMs } : {}) } };
        break;
      }
      case 'dock': {
        const d = device();
        let bay: number | undefined;
        if (peek() !== undefined) {
          const kv = next()!;
          const m = /^bay=(\d+)$/.exec(kv);
          if (!m || Number(m[1]) < 1 || Number(m[1]) > 8) throw expected('bay', 'bay=N with N 1-8', kv);
          bay = Number(m[1]);
        }
        end('dock');
        step = { type: 'action', action: { kind: 'dock', device: d, ...(bay !== undefined ? { bay } : {}) } };
        break;
      }
      case 'undock': case 'power-cut': case 'power-off': case 'power-on': {
        const d = device();
        end(word);
        step = { type: 'action', action: { kind: word, device: d } };
        break;
      }
      case 'clock': {
        const d = device();
        const text = next();
        const ms = text?.startsWith('+') ? parseDuration(text.slice(1)) : undefined;
        if (ms === undefined || ms <= 0) throw expected('clock', 'a jump forward like +1600h or +90m', text);
        end('clock');
        step = { type: 'action', action: { kind: 'clock', device: d, forwardMs: ms } };
        break;
      }
      case 'battery': {
        const d = device();
        const p = percent('battery');
        end('battery');
        step = { type: 'action', action: { kind: 'battery', device: d, percent: p } };
        break;
      }
      case 'storage': {
        const d = device();
        const p = percent('storage');
        const used = next();
        if (used !== 'used') throw expected('storage', '"used" after the percentage, like 50% used', used);
        end('storage');
        step = { type: 'action', action: { kind: 'storage', device: d, usedPercent: p } };
        break;
      }
      case 'move': {
        const d = device();
        const p = point('move');
        end('move');
        step = { type: 'action', action: { kind: 'move', device: d, ...p } };
        break;
      }
      case 'kit': {
        const name = next();
        if (name === undefined || !NAME_RE.test(name)) throw expected('kit', 'an activation kit name like kit1', name);
        const onOff = next();
        if (onOff === 'off') {
          end('kit');
          step = { type: 'action', action: { kind: 'kit', name, on: false } };
          break;
        }
        if (onOff !== 'on') throw expected('kit', '"on at X,Y range=N" or "off"', onOff);
        if (next() !== 'at') throw expected('kit', '"at X,Y" after on', words[w - 1]);
        const p = point('at');
        const r = next();
        const m = r === undefined ? null : /^range=(\d+)$/.exec(r);
        if (!m || Number(m[1]) > 30) throw expected('range', 'range=N with N 0-30 (the kit\'s Range setting)', r);
        end('kit');
        step = { type: 'action', action: { kind: 'kit', name, on: true, ...p, range: Number(m[1]) } };
        break;
      }
      case 'radio': {
        if (next() !== 'loss') throw expected('radio', '"loss PERCENT"', words[w - 1]);
        const p = percent('loss');
        end('radio');
        step = { type: 'action', action: { kind: 'radio-loss', percent: p } };
        break;
      }
      case 'holster': {
        const op = next();
        if (!(HOLSTER_OPS as readonly string[]).includes(op ?? '')) throw expected('holster', oneOf(HOLSTER_OPS), op);
        const serial = holsterSerial('holster');
        if (op === 'add' || op === 'move') {
          if (next() !== (op === 'add' ? 'at' : 'to')) throw expected(op, op === 'add' ? '"at X,Y"' : '"to X,Y"', words[w - 1]);
          const p = point(op);
          end('holster');
          step = { type: 'action', action: { kind: 'holster', op, serial, ...p } };
        } else {
          end('holster');
          step = { type: 'action', action: { kind: 'holster', op: op as 'unholster', serial } };
        }
        break;
      }
      case 'motion': {
        const d = device();
        const trace = next();
        if (trace === undefined || !/^[a-z][a-z0-9-]*$/.test(trace)) throw expected('motion', 'a shipped IMU trace like fall-forward, fall-backward, fall-sideways, jump, running, sitting-down or drop', trace);
        end('motion');
        step = { type: 'action', action: { kind: 'motion', device: d, trace } };
        break;
      }
      case 'cube': {
        const d = device();
        const op = next();
        if (op !== 'connect' && op !== 'disconnect') throw expected('cube', 'connect or disconnect (a mini cube sensor plugged in or pulled out)', op);
        end('cube');
        step = { type: 'action', action: { kind: 'cube', device: d, connected: op === 'connect' } };
        break;
      }
      case 'assign': {
        const d = device();
        const m = /^profile=(.+\.json)$/.exec(next() ?? '');
        if (!m) throw expected('assign', 'profile=FILE.json (a camera profile, relative to the scenario)', words[w - 1]);
        end('assign');
        step = { type: 'action', action: { kind: 'assign', device: d, profile: m[1]! } };
        break;
      }
      case 'self-assign': {
        const d = device();
        end('self-assign');
        step = { type: 'action', action: { kind: 'self-assign', device: d } };
        break;
      }
      case 'pair': {
        const d = device();
        const serial = holsterSerial('pair');
        end('pair');
        step = { type: 'action', action: { kind: 'pair', device: d, serial } };
        break;
      }
      case 'gnss': case 'walk': {
        const d = device();
        const lend = { next, peek, expected, duration, point };
        step = { type: 'action', action: word === 'gnss' ? parseGnssAction(d, lend) : parseWalkAction(d, lend) };
        end(word);
        break;
      }
      case 'expect': {
        const d = device();
        step = { type: 'expect', expect: parseExpectation(d, next, peek, rest, bad, expected, { duration, count, percent, point }) };
        end(`expect ${step.expect.kind.startsWith('recording-') ? 'recording' : step.expect.kind}`);
        break;
      }
      default:
        throw expected('step', `one of ${oneOf(ACTION_VERBS)} (or "device", "at", "after")`, word);
    }
    steps.push({ line: n, atMs, text: words.slice(textStart).map((x) => (/\s/.test(x) ? JSON.stringify(x) : x)).join(' '), step });
    now = atMs;
    previousAtLine = n;
  }
  if (devices.length === 0) throw new ScenarioError(file, Math.max(1, lines.length), 'device', 'a scenario needs at least one "device NAME ..." line');
  return { file, devices, steps };
}

type Bad = (field: string, detail: string) => ScenarioError;
type Expected = (field: string, what: string, got: string | undefined) => ScenarioError;

function parseDevice(words: string[], devices: DeviceDecl[], bad: Bad, expected: Expected): DeviceDecl {
  const name = words[0];
  if (name === undefined || !NAME_RE.test(name)) throw expected('device', 'a device name like cam1 (letters, digits, - _ .)', name);
  if (devices.some((d) => d.name === name)) throw bad('device', `${name} is already declared`);
  const kv = new Map<string, string>();
  for (const word of words.slice(1)) {
    const eq = word.indexOf('=');
    const key = eq < 0 ? word : word.slice(0, eq);
    if (!(DEVICE_KEYS as readonly string[]).includes(key)) throw expected('device', `a setting key=value with key one of ${oneOf(DEVICE_KEYS)}`, word);
    if (eq < 0) throw expected(key, `${key}=VALUE`, word);
    if (kv.has(key)) throw bad(key, 'given twice');
    kv.set(key, word.slice(eq + 1));
  }
  const yesNo = (key: string, dflt: boolean) => {
    const v = kv.get(key);
    if (v === undefined) return dflt;
    if (v !== 'yes' && v !== 'no') throw expected(key, 'yes or no', v);
    return v === 'yes';
  };
  const ms = (key: string) => {
    const v = kv.get(key);
    if (v === undefined) return undefined;
    const d = parseDuration(v);
    if (d === undefined) throw expected(key, 'a duration like 30s, 1m or 0s', v);
    return d;
  };
  const model = kv.get('model') ?? 'W100';
  if (!/^W\d{3}$/.test(model)) throw expected('model', 'a camera model like W100, W101, W102, W110 or W120', model);
  const serial = kv.get('serial') ?? `${model}-${String(devices.length + 1).padStart(4, '0')}`;
  if (!/^[A-Za-z0-9-]{1,32}$/.test(serial)) throw expected('serial', 'a serial of letters, digits and - (at most 32)', serial);
  const recorder: RigRecorderSettings = {};
  const pre = ms('prebuffer'), post = ms('postbuffer');
  if (pre !== undefined) recorder.prebufferMs = pre;
  if (post !== undefined) recorder.postbufferMs = post;
  if (kv.has('always-record')) recorder.alwaysRecord = yesNo('always-record', false);
  const act = kv.get('activation');
  if (act !== undefined) {
    if (act !== 'single-press' && act !== 'double-press') throw expected('activation', 'single-press or double-press', act);
    recorder.activation = act;
  }
  const batteryText = kv.get('battery');
  const battery = batteryText === undefined ? 80 : Number(/^(\d+)%?$/.exec(batteryText)?.[1] ?? NaN);
  if (!(battery >= 0 && battery <= 100)) throw expected('battery', 'a whole percentage 0-100 like 80%', batteryText);
  // A camera has a user assigned unless the scenario says `user=none` (an unassigned camera refuses to record).
  const userText = kv.get('user');
  if (userText !== undefined && userText.length === 0) throw expected('user', 'a user id, or none', userText);
  const user = userText === 'none' ? undefined : userText ?? `officer-${devices.length + 1}`;
  const profile = kv.get('profile');
  if (profile !== undefined && !profile.endsWith('.json')) throw expected('profile', 'a .json profile file (relative to the scenario)', profile);
  const positionText = kv.get('position');
  const pm = positionText === undefined ? null : POINT_RE.exec(positionText);
  if (positionText !== undefined && !pm) throw expected('position', 'X,Y in metres like 40,0', positionText);
  // A real camera: `board=linux-camera config=FILE` (the board's config, relative to the scenario); see REAL-TARGET in the README.
  const board = kv.get('board');
  if (board !== undefined && board !== 'emulated-camera' && board !== 'linux-camera') throw expected('board', 'emulated-camera or linux-camera', board);
  const config = kv.get('config');
  if (board === 'linux-camera' && config === undefined) throw expected('config', 'the linux-camera board\'s config file (JSON) with board=linux-camera', 'nothing');
  if (config !== undefined && board !== 'linux-camera') throw expected('board', 'board=linux-camera when config= is given', board ?? 'nothing');
  return {
    line: 0, name, kind: 'camera', model, serial, recorder, batteryPercent: battery,
    docked: yesNo('docked', false), adopted: yesNo('adopted', true),
    ...(user !== undefined ? { user } : {}), ...(profile !== undefined ? { profile } : {}),
    ...(kv.get('user-name') !== undefined ? { userName: kv.get('user-name')! } : {}),
    ...(board !== undefined ? { board } : {}), ...(config !== undefined ? { config } : {}),
    ...(pm ? { position: { x: Number(pm[1]), y: Number(pm[2]) } } : {}),
    ...(kv.has('evaluation') ? { evaluation: yesNo('evaluation', false) } : {}),
  };
}

function parseExpectation(
  device: string, next: () => string | undefined, peek: () => string | undefined, _rest: () => string[], bad: Bad, expected: Expected,
  p: { duration: (f: string, hint?: string) => number; count: (f: string) => number; percent: (f: string) => number; point: (f: string) => { x: number; y: number } },
): Expectation {
  const what = next();
  switch (what) {
    case 'state': {
      const state = next();
      if (state === undefined || !/^[a-z][a-z-]*$/.test(state)) throw expected('state', 'a camera state like idle, recording, postbuffer, docked or off', state);
      return { kind: 'state', device, state };
    }
    case 'led': {
      const led = next();
      if (led === undefined || !/^[a-z][a-z0-9-]*$/.test(led)) throw expected('led', 'an LED name like status, recording, wireless or front', led);
      const color = next();
      if (color === undefined || !/^[a-z]+$/.test(color)) throw expected('led', 'a color (red, green, amber, ...) or off', color);
      if (color === 'off') return { kind: 'led', device, led, color, mode: 'steady' };
      let mode: 'steady' | 'flash' | 'lit' = 'steady';
      if (peek() !== undefined) {
        const m = next()!;
        if (!(LED_MODES as readonly string[]).includes(m)) throw expected('led', `one of ${oneOf(LED_MODES)}`, m);
        mode = m as typeof mode;
      }
      return { kind: 'led', device, led, color, mode };
    }
    case 'recordings': {
      const count = p.count('recordings');
      const status = next();
      if (status !== undefined && !(RECORDING_STATUSES as readonly string[]).includes(status)) {
        throw expected('recordings', `a status (${oneOf(RECORDING_STATUSES)}) or nothing`, status);
      }
      return { kind: 'recordings', device, count, ...(status !== undefined ? { status: status as 'open' } : {}) };
    }
    case 'recording': {
      const which = next();
      let pick: RecordingPick;
      if (which === 'last') pick = 'last';
      else if (which !== undefined && /^[1-9]\d*$/.test(which)) pick = Number(which);
      else throw expected('recording', 'which recording: 1, 2, ... (oldest first) or last', which);
      const property = next();
      if (property === 'prebuffer' || property === 'postbuffer') {
        const ms = p.duration(property, 'a duration like 30s');
        let toleranceMs = 1000;
        if (peek() !== undefined) {
          if (next() !== 'within') throw expected(property, '"within DURATION" or nothing (default within 1s)', peek());
          toleranceMs = p.duration('within', 'a duration like 2s');
        }
        return { kind: 'recording-time', device, pick, property, ms, toleranceMs };
      }
      if (property === 'status' || property === 'trigger-on' || property === 'trigger-off' || property === 'user') {
        const value = next();
        if (value === undefined) throw expected(property, property === 'status' ? oneOf(RECORDING_STATUSES) : property === 'trigger-on' ? 'a reason like button, wireless-broadcast, unholster, fall' : property === 'trigger-off' ? 'a reason like button, dock, power-off' : 'a user id', value);
        if (property === 'status' && !(RECORDING_STATUSES as readonly string[]).includes(value)) throw expected('status', oneOf(RECORDING_STATUSES), value);
        return { kind: 'recording-fact', device, pick, property, value };
      }
      if (property === 'location' || property === 'trail') return parseLocationExpectation(device, pick, property, { next, peek, expected, duration: p.duration, point: p.point });
      if (property === 'audio') {
        const heard = next();
        if (heard === 'none') return { kind: 'recording-audio', device, pick, heard };
        if (heard !== 'sound' && heard !== 'silence') throw expected('audio', 'none, or "sound at D" / "silence at D" (D into the recording, prebuffer included)', heard);
        const at = next();
        if (at !== 'at') throw expected(heard, '"at D" like at 5s', at);
        return { kind: 'recording-audio', device, pick, heard, atMs: p.duration('at', 'a time into the recording like 5s') };
      }
      if (property === 'overlay') {
        const mode = next();
        if (mode !== 'shows' && mode !== 'always' && mode !== 'never') throw expected('overlay', 'shows, always or never', mode);
        const text = next();
        if (text === undefined || text === '') throw expected('overlay', 'the text in quotes, like "ID 4711"', text);
        return { kind: 'recording-overlay', device, pick, mode, text };
      }
      throw expected('recording', 'prebuffer, postbuffer, status, trigger-on, trigger-off, user, location, trail, overlay or audio', property);
    }
    case 'bookmarks':
      return { kind: 'bookmarks', device, count: p.count('bookmarks') };
    case 'alert': {
      const alert = next();
      if (alert === undefined || !/^[a-z][a-z0-9-]*$/.test(alert)) throw expected('alert', 'an alert name like low-battery or storage-full', alert);
      // `x2`: at least twice since the camera booted.
      const times = peek();
      if (times === undefined) return { kind: 'alert', device, alert };
      const m = /^x([1-9]\d*)$/.exec(times);
      if (!m) throw expected('alert', 'nothing, or how many times at least like x2', times);
      next();
      return { kind: 'alert', device, alert, times: Number(m[1]) };
    }
    case 'feedback':
      return { kind: 'feedback', device, count: p.count('feedback') };
    case 'self-assign': {
      const v = next();
      if (v !== 'ready' && v !== 'not-ready') throw expected('self-assign', 'ready or not-ready', v);
      return { kind: 'self-assign', device, ready: v === 'ready' };
    }
    case 'assignment': {
      const v = next();
      if (v === 'accepted') return { kind: 'assignment', device, accepted: true };
      if (v !== 'refused') throw expected('assignment', 'accepted, or refused with an optional "reason" in quotes', v);
      const reason = next();
      return { kind: 'assignment', device, accepted: false, ...(reason !== undefined ? { reason } : {}) };
    }
    case 'microphone': {
      const onOff = next();
      if (onOff !== 'on' && onOff !== 'off') throw expected('microphone', 'on or off', onOff);
      return { kind: 'microphone', device, off: onOff === 'off' };
    }
    case 'silent': {
      const onOff = next();
      if (onOff !== 'on' && onOff !== 'off') throw expected('silent', 'on or off', onOff);
      return { kind: 'silent', device, on: onOff === 'on' };
    }
    case 'battery': {
      const percent = p.percent('battery');
      let tolerance = 1;
      if (peek() !== undefined) {
        if (next() !== 'within') throw bad('battery', `expected "within N%" or nothing, got ${quote(peek())}`);
        tolerance = p.percent('within');
      }
      return { kind: 'battery', device, percent, tolerance };
    }
    default:
      throw expected('expect', `what to expect: ${oneOf(EXPECT_WHATS)}`, what);
  }
}

/** Scenario time as printed: `12.000s`. */
export function formatMs(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}
