import t from 'tap';
import { ConfigError } from '../../../../hal/errors.js';
import {
  MODELS, MODEL_NAMES, IMAGE_QUALITIES, modelOf, supports, isModelName, type Feature,
} from '../../../../firmware/camera/profile/models.js';

t.test('the five models, by name', async (t) => {
  t.same(Object.keys(MODELS), ['W100', 'W101', 'W102', 'W110', 'W120']);
  t.same([...MODEL_NAMES], Object.keys(MODELS));
  for (const name of MODEL_NAMES) {
    t.equal(modelOf(name), MODELS[name], `${name} by its own name`);
    t.equal(modelOf(name).name, name);
    t.same([...modelOf(name).qualities], [...IMAGE_QUALITIES], `${name} offers all four image qualities`);
  }
  t.equal(modelOf('w102'), MODELS.W102, 'case does not matter');
  t.equal(modelOf('AXIS W120'), MODELS.W120, 'the AXIS prefix is accepted');
  t.ok(isModelName('W110'));
  t.notOk(isModelName('w110'), 'isModelName is exact');
});

t.test('an unknown model is a ConfigError naming the known ones', async (t) => {
  for (const name of ['W999', '', 'W10', 'TW1201']) {
    let caught: unknown;
    try { modelOf(name); } catch (e) { caught = e; }
    t.ok(caught instanceof ConfigError, `${JSON.stringify(name)}: a ConfigError`);
    t.equal((caught as Error).message, `unknown camera model ${JSON.stringify(name)}: expected one of W100, W101, W102, W110, W120`);
  }
});

t.test('prebuffer limits: W100/W101 1080p 90 s, 1080p high 60 s, 120 s at 720p; others 120 s everywhere', async (t) => {
  const first = { '720p': 120, '720p-high': 120, '1080p': 90, '1080p-high': 60 };
  const full = { '720p': 120, '720p-high': 120, '1080p': 120, '1080p-high': 120 };
  t.same(MODELS.W100.prebufferMaxS, first);
  t.same(MODELS.W101.prebufferMaxS, first);
  t.same(MODELS.W102.prebufferMaxS, full);
  t.same(MODELS.W110.prebufferMaxS, full);
  t.same(MODELS.W120.prebufferMaxS, full);
});

t.test('features per model (the documented choices in models.ts)', async (t) => {
  const table: Record<Feature, string[]> = {
    'eis': ['W102', 'W110', 'W120'],
    'barrel-correction': ['W102', 'W110', 'W120'],
    'voice-audio': ['W102', 'W110', 'W120'],
    'voice-alerts': ['W102', 'W110', 'W120'],
    'live-streaming': ['W102', 'W110', 'W120'],
    'silent-mode': ['W102', 'W110', 'W120'],
    'broadcast-signal-strength': ['W102', 'W110', 'W120'],
    'location': ['W102', 'W120'],
    'mini-cube-sensor': ['W100', 'W101', 'W102'],
    'standby': [...MODEL_NAMES],
    'fall-detection': [...MODEL_NAMES],
    'broadcast-send': [...MODEL_NAMES],
    'broadcast-receive': [...MODEL_NAMES],
    'front-indicator': [...MODEL_NAMES],
    'microphone-mute': [...MODEL_NAMES],
  };
  for (const [feature, models] of Object.entries(table) as [Feature, string[]][]) {
    for (const name of MODEL_NAMES) {
      t.equal(supports(MODELS[name], feature), models.includes(name), `${name} ${feature}`);
    }
  }
});

t.test('models are read-only data', async (t) => {
  t.ok(Object.isFrozen(MODELS));
  t.ok(Object.isFrozen(MODELS.W100));
  t.throws(() => { (MODELS as Record<string, unknown>).W999 = {}; });
});
