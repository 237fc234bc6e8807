/**
 * The body worn camera models (W100, W101, W102, W110, W120) as data: which profile features each
 * can honour and its prebuffer limits per image quality (manual, "Camera profile settings").
 */
import { ConfigError } from '../../../hal/errors.js';

/** Recording image qualities, in the manual's order. */
export const IMAGE_QUALITIES = ['720p', '720p-high', '1080p', '1080p-high'] as const;
export type ImageQuality = (typeof IMAGE_QUALITIES)[number];

/** Prebuffer lengths the manual offers, in seconds. */
export const PREBUFFER_LENGTHS_S = [15, 30, 60, 90, 120] as const;
export type PrebufferLengthS = (typeof PREBUFFER_LENGTHS_S)[number];

export const MODEL_NAMES = ['W100', 'W101', 'W102', 'W110', 'W120'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/**
 * A profile feature only some models have. Features every model has (recording button, always
 * record, prebuffer, postbuffer, low battery warning, reminders) are not listed: nothing to check.
 */
export type Feature =
  | 'eis'
  | 'barrel-correction'
  | 'voice-audio'
  | 'standby'
  | 'location'
  | 'fall-detection'
  | 'broadcast-send'
  | 'broadcast-receive'
  | 'broadcast-signal-strength'
  | 'live-streaming'
  | 'front-indicator'
  | 'voice-alerts'
  | 'silent-mode'
  | 'microphone-mute'
  | 'mini-cube-sensor';

/** How a feature is named to a person reading a rejection. */
export const FEATURE_NAMES: Readonly<Record<Feature, string>> = {
  'eis': 'electronic image stabilization',
  'barrel-correction': 'barrel distortion correction',
  'voice-audio': 'the Voice audio optimization',
  'standby': 'standby mode',
  'location': 'location (GNSS)',
  'fall-detection': 'fall detection',
  'broadcast-send': 'broadcasting a wireless signal',
  'broadcast-receive': 'receiving wireless broadcasts',
  'broadcast-signal-strength': 'adjustable wireless broadcast signal strength',
  'live-streaming': 'live streaming',
  'front-indicator': 'a front recording indicator',
  'voice-alerts': 'voice alerts',
  'silent-mode': 'silent mode',
  'microphone-mute': 'microphone mute',
  'mini-cube-sensor': 'the AXIS TW1201 Mini Cube Sensor',
};

export interface CameraModel {
  readonly name: ModelName;
  /** Recording image qualities the model offers. */
  readonly qualities: readonly ImageQuality[];
  readonly features: ReadonlySet<Feature>;
  /** The longest prebuffer, in seconds, the model can hold at each image quality. */
  readonly prebufferMaxS: Readonly<Record<ImageQuality, PrebufferLengthS>>;
  /** Whether the model has a display (manual, "Evaluation mode": W102 and W120 show text). */
  readonly display: boolean;
}

/*
 * What the manual says and what is our choice. The manual marks model-dependent settings with an
 * icon that the text copy has lost (it survives as a stray space after: 720p high, 1080p high,
 * live streaming image quality, EIS, barrel distortion correction, Voice optimization, standby
 * mode, location, position overlay, signal strength, the voice alerts, allow silent mode and the
 * mini cube sensor section) and does not say which models. Sources and choices:
 *  - Qualities: all four on every model. Stated: W100/W101 have 1080p and 1080p high (their
 *    prebuffer limits name them). Choice: the "high" icons are not resolvable, so no model loses one.
 *  - Prebuffer, stated: W100/W101 1080p <= 90 s, 1080p high <= 60 s, 120 s only at 720p.
 *    Choice: "720p" there means the 720p family, so 720p high allows 120 s on W100/W101 too (the
 *    manual lists limits only for the 1080p qualities; the troubleshooting table blames only 1080p
 *    for a full prebuffer memory). Other models: 120 s at every quality.
 *  - EIS, barrel correction, Voice optimization and voice alerts: W110, W120, W102. Stated
 *    (release notes): W110 brought EIS and voice feedback; W120 and W102 came after it.
 *  - Location: W102 and W120 (W102 shows GPS coordinates on its display; W120 is the cellular
 *    model). Choice: not W100, W101, W110.
 *  - Live streaming: W102, W110, W120 (choice: the Wi-Fi/cellular generation of AXIS Body Worn Live).
 *  - Mini cube sensor: W100, W101, W102 (W100 has a sensor camera LED, W102 a mini sensor icon;
 *    W101 is the W100's sibling). Choice: not the compact W110 nor W120.
 *  - Silent mode and adjustable broadcast signal strength: W102, W110, W120 (choice: marked
 *    model-dependent; the newer generation).
 *  - Standby, fall detection, broadcast send/receive, front indicator, microphone mute: every
 *    model. Standby is marked but the W100 status LED documents "Standby"; the others are not marked.
 */
const EVERY_MODEL: readonly Feature[] = [
  'standby', 'fall-detection', 'broadcast-send', 'broadcast-receive', 'front-indicator', 'microphone-mute',
];
const NEWER_GENERATION: readonly Feature[] = [
  'eis', 'barrel-correction', 'voice-audio', 'voice-alerts', 'live-streaming', 'silent-mode', 'broadcast-signal-strength',
];

const FIRST_GENERATION_PREBUFFER: Readonly<Record<ImageQuality, PrebufferLengthS>> = {
  '720p': 120, '720p-high': 120, '1080p': 90, '1080p-high': 60,
};
const FULL_PREBUFFER: Readonly<Record<ImageQuality, PrebufferLengthS>> = {
  '720p': 120, '720p-high': 120, '1080p': 120, '1080p-high': 120,
};

function model(
  name: ModelName, features: readonly Feature[], prebufferMaxS: Record<ImageQuality, PrebufferLengthS>, display: boolean,
): CameraModel {
  return Object.freeze({ name, qualities: IMAGE_QUALITIES, features: new Set(features), prebufferMaxS, display });
}

export const MODELS: Readonly<Record<ModelName, CameraModel>> = Object.freeze({
  W100: model('W100', [...EVERY_MODEL, 'mini-cube-sensor'], FIRST_GENERATION_PREBUFFER, false),
  W101: model('W101', [...EVERY_MODEL, 'mini-cube-sensor'], FIRST_GENERATION_PREBUFFER, false),
  W102: model('W102', [...EVERY_MODEL, ...NEWER_GENERATION, 'location', 'mini-cube-sensor'], FULL_PREBUFFER, true),
  W110: model('W110', [...EVERY_MODEL, ...NEWER_GENERATION], FULL_PREBUFFER, false),
  W120: model('W120', [...EVERY_MODEL, ...NEWER_GENERATION, 'location'], FULL_PREBUFFER, true),
});

/** Whether `name` is one of the known model names, exactly. */
export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/**
 * The model called `name` ("W100", also "w100" or "AXIS W100"); a ConfigError naming the known
 * models otherwise.
 */
export function modelOf(name: string): CameraModel {
  const key = typeof name === 'string' ? name.trim().replace(/^axis\s+/i, '').toUpperCase() : '';
  if (isModelName(key)) return MODELS[key];
  throw new ConfigError(
    `unknown camera model ${JSON.stringify(name)}: expected one of ${MODEL_NAMES.join(', ')}`,
  );
}

/** Whether `model` can honour `feature`. */
export function supports(model: CameraModel, feature: Feature): boolean {
  return model.features.has(feature);
}
