/**
 * Assigning a profile to a camera: untrusted input in, a CameraProfile out, or ONE ProfileError
 * listing every problem (unknown keys, wrong types, out-of-range values, what the model cannot do).
 */
import { ConfigError } from '../../../hal/errors.js';
import { FEATURE_NAMES, MODEL_NAMES, modelOf, supports, type CameraModel, type Feature } from './models.js';
import { DEFAULT_PROFILE, PROFILE_SCHEMA, type CameraProfile, type SettingSpec } from './profile.js';

/** A profile a camera cannot honour; `problems` has one line per problem: path, expected, given. */
export class ProfileError extends ConfigError {
  readonly problems: string[];
  readonly model: string;
  constructor(model: string, problems: string[]) {
    const n = problems.length;
    super(
      `camera profile cannot be assigned to ${model}: ${n} problem${n === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ProfileError';
    this.model = model;
    this.problems = problems;
  }
}

/**
 * The profile `raw` describes, checked for a camera of `model`. Settings `raw` leaves out take
 * DEFAULT_PROFILE's value; anything else wrong throws one ProfileError naming every problem.
 */
export function checkProfile(raw: unknown, model: string): CameraProfile {
  const { profile, problems } = examine(raw, model);
  if (problems.length > 0) throw new ProfileError(String(model), problems);
  return profile;
}

/** Every problem with assigning `raw` to a camera of `model`; empty when it can be assigned. */
export function profileProblems(raw: unknown, model: string): string[] {
  return examine(raw, model).problems;
}

function examine(raw: unknown, modelName: string): { profile: CameraProfile; problems: string[] } {
  const problems: string[] = [];
  let model: CameraModel | undefined;
  try {
    model = modelOf(modelName);
  } catch {
    problems.push(`model: expected one of ${MODEL_NAMES.join(', ')}, got ${describe(modelName)}`);
  }
  const bad = new Set<string>();
  const profile = readSection(raw, PROFILE_SCHEMA, DEFAULT_PROFILE, '', problems, bad) as unknown as CameraProfile;
  if (model) {
    const readable = (path: string) => ![...bad].some((b) => path === b || path.startsWith(`${b}.`));
    for (const rule of RULES) {
      if (!rule.reads.every(readable)) continue;
      const problem = rule.check(profile, model);
      if (problem !== undefined) problems.push(problem);
    }
  }
  return { profile, problems };
}

type Section = { readonly [key: string]: SettingSpec | Section };
type Values = { readonly [key: string]: unknown };

const isPlainObject = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpec = (v: SettingSpec | Section): v is SettingSpec => typeof v.kind === 'string';

/** Reads one section of settings; bad values are reported, marked in `bad`, and defaulted. */
function readSection(
  raw: unknown, schema: object, defaults: object, path: string, problems: string[], bad: Set<string>,
): Values {
  const spec = schema as Section;
  const fallback = defaults as Values;
  const keys = Object.keys(spec);
  if (raw === undefined) return structuredClone(fallback);
  if (!isPlainObject(raw)) {
    problems.push(`${path || 'profile'}: expected an object of settings (${keys.join(', ')}), got ${describe(raw)}`);
    bad.add(path);
    return structuredClone(fallback);
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(spec, key)) {
      problems.push(
        `${join(path, key)}: unknown setting (got ${describe(raw[key])}); ${path ? `${path} has` : 'a profile has'} ${keys.join(', ')}`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const child = spec[key]!;
    const here = join(path, key);
    const given = Object.hasOwn(raw, key) ? raw[key] : undefined;
    if (!isSpec(child)) {
      out[key] = readSection(given, child, fallback[key] as object, here, problems, bad);
    } else if (given === undefined) {
      out[key] = fallback[key];
    } else {
      const expected = mismatch(child, given);
      if (expected === undefined) {
        out[key] = given;
      } else {
        problems.push(`${here}: expected ${expected}, got ${describe(given)}`);
        bad.add(here);
        out[key] = fallback[key];
      }
    }
  }
  return out;
}

/** What `spec` expected, when `value` is not it. */
function mismatch(spec: SettingSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'flag':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'choice':
      return spec.values.includes(value as string | number)
        ? undefined
        : `one of ${spec.values.map(show).join(', ')}${spec.unit ? ` (${spec.unit})` : ''}`;
    case 'text-or-null':
      return value === null || (typeof value === 'string' && value.length > 0 && [...value].length <= spec.maxChars)
        ? undefined
        : `a text of 1 to ${spec.maxChars} characters, or null`;
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const show = (v: string | number) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** A given value, briefly, for a problem line. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** A check over settings that read well on their own: skipped when any of `reads` was bad. */
interface Rule {
  readonly reads: readonly string[];
  check(p: CameraProfile, m: CameraModel): string | undefined;
}

/** A setting that, when `on`, needs `feature`; `expected` is what the model can honour instead. */
function needs(path: string, feature: Feature, on: (p: CameraProfile) => boolean, given: (p: CameraProfile) => unknown, expected: string, also: readonly string[] = []): Rule {
  return {
    reads: [path, ...also],
    check: (p, m) =>
      on(p) && !supports(m, feature)
        ? `${path}: expected ${expected} (${m.name} does not support ${FEATURE_NAMES[feature]}), got ${describe(given(p))}`
        : undefined,
  };
}
const flagNeeds = (path: string, feature: Feature, get: (p: CameraProfile) => boolean): Rule =>
  needs(path, feature, get, get, 'false');

const VOICE_ALERTS = new Set(['voice', 'voice-and-vibration']);

const RULES: readonly Rule[] = [
  // What the model can do.
  {
    reads: ['video.quality'],
    check: (p, m) =>
      m.qualities.includes(p.video.quality)
        ? undefined
        : `video.quality: expected one of ${m.qualities.map(show).join(', ')} on ${m.name}, got ${show(p.video.quality)}`,
  },
  flagNeeds('video.eis', 'eis', (p) => p.video.eis),
  flagNeeds('video.barrelCorrection', 'barrel-correction', (p) => p.video.barrelCorrection),
  needs('audio.optimization', 'voice-audio', (p) => p.audio.optimization === 'voice', (p) => p.audio.optimization, '"default" or "post-processing"'),
  flagNeeds('standbyMode', 'standby', (p) => p.standbyMode),
  needs('location.mode', 'location', (p) => p.location.mode !== 'off', (p) => p.location.mode, '"off"'),
  flagNeeds('overlay.position', 'location', (p) => p.overlay.position),
  flagNeeds('activation.recordOnFall', 'fall-detection', (p) => p.activation.recordOnFall),
  flagNeeds('activation.liveStreamOnFall', 'fall-detection', (p) => p.activation.liveStreamOnFall),
  flagNeeds('activation.broadcast.enabled', 'broadcast-send', (p) => p.activation.broadcast.enabled),
  needs(
    'activation.broadcast.strength', 'broadcast-signal-strength',
    (p) => p.activation.broadcast.enabled && p.activation.broadcast.strength !== 'high',
    (p) => p.activation.broadcast.strength, '"high" (its fixed reach)', ['activation.broadcast.enabled'],
  ),
  flagNeeds('activation.recordOnReceivedBroadcast', 'broadcast-receive', (p) => p.activation.recordOnReceivedBroadcast),
  needs(
    'activation.privacyZoneResponse', 'broadcast-receive', (p) => p.activation.privacyZoneResponse === 'alert',
    (p) => p.activation.privacyZoneResponse, '"none"',
  ),
  needs('feedback.frontIndicator', 'front-indicator', (p) => p.feedback.frontIndicator !== 'none', (p) => p.feedback.frontIndicator, '"none"'),
  needs(
    'feedback.alert', 'voice-alerts', (p) => VOICE_ALERTS.has(p.feedback.alert), (p) => p.feedback.alert,
    '"vibration", "sound" or "sound-and-vibration"',
  ),
  flagNeeds('featureAccess.allowSilentMode', 'silent-mode', (p) => p.featureAccess.allowSilentMode),
  flagNeeds('featureAccess.allowMicrophoneMute', 'microphone-mute', (p) => p.featureAccess.allowMicrophoneMute),
  flagNeeds('miniCube.disableMainRecordingButton', 'mini-cube-sensor', (p) => p.miniCube.disableMainRecordingButton),
  flagNeeds('miniCube.rotate180', 'mini-cube-sensor', (p) => p.miniCube.rotate180),
  flagNeeds('streaming.enabled', 'live-streaming', (p) => p.streaming.enabled),
  needs('streaming.remoteActivation', 'live-streaming', (p) => p.streaming.remoteActivation !== 'off', (p) => p.streaming.remoteActivation, '"off"'),

  // Combinations the manual forbids.
  {
    reads: ['standbyMode', 'prebuffer.enabled', 'prebuffer.lengthS'],
    check: (p) =>
      p.standbyMode && p.prebuffer.enabled
        ? `standbyMode: expected false while the prebuffer is on (standby mode can't be combined with prebuffer), got true with a ${p.prebuffer.lengthS} s prebuffer`
        : undefined,
  },
  {
    reads: ['prebuffer.enabled', 'prebuffer.lengthS', 'video.quality'],
    check: (p, m) => {
      const max = m.prebufferMaxS[p.video.quality];
      return p.prebuffer.enabled && p.prebuffer.lengthS > max
        ? `prebuffer.lengthS: expected at most ${max} s at video.quality ${show(p.video.quality)} on ${m.name} (its prebuffer memory holds no more), got ${p.prebuffer.lengthS} s`
        : undefined;
    },
  },
  {
    reads: ['activation.liveStreamOnFall', 'activation.recordOnFall'],
    check: (p) =>
      p.activation.liveStreamOnFall && !p.activation.recordOnFall
        ? 'activation.liveStreamOnFall: expected false unless activation.recordOnFall is on (live stream on fall detection requires record on fall detection), got true with recordOnFall false'
        : undefined,
  },
  {
    reads: ['activation.liveStreamOnFall', 'streaming.enabled'],
    check: (p) =>
      p.activation.liveStreamOnFall && !p.streaming.enabled
        ? 'activation.liveStreamOnFall: expected false unless streaming.enabled is on (live stream on fall detection requires Streaming under AXIS Body Worn Live), got true with streaming.enabled false'
        : undefined,
  },
  {
    reads: ['streaming.liveStreamOnRecord', 'streaming.enabled'],
    check: (p) =>
      p.streaming.liveStreamOnRecord && !p.streaming.enabled
        ? 'streaming.liveStreamOnRecord: expected false unless streaming.enabled is on (live stream on record is part of Streaming), got true with streaming.enabled false'
        : undefined,
  },
  {
    // Only where the model has location: otherwise overlay.position is already rejected above.
    reads: ['overlay.position', 'location.mode'],
    check: (p, m) =>
      p.overlay.position && p.location.mode === 'off' && supports(m, 'location')
        ? 'overlay.position: expected false while location.mode is "off" (the position overlay requires Location), got true'
        : undefined,
  },
];
