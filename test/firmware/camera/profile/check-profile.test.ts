import t from 'tap';
import { ConfigError } from '../../../../hal/errors.js';
import { MODEL_NAMES, IMAGE_QUALITIES, PREBUFFER_LENGTHS_S, type ModelName } from '../../../../firmware/camera/profile/models.js';
import { DEFAULT_PROFILE, PROFILE_SCHEMA } from '../../../../firmware/camera/profile/profile.js';
import { checkProfile, profileProblems, ProfileError } from '../../../../firmware/camera/profile/check-profile.js';

/** The problems checkProfile throws for `raw` on `model`; [] when it accepts. */
function problemsOf(raw: unknown, model: string): string[] {
  try {
    checkProfile(raw, model);
    return [];
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    return e.problems;
  }
}

t.test('the defaults are valid on every model', async (t) => {
  for (const model of MODEL_NAMES) {
    t.same(checkProfile({}, model), DEFAULT_PROFILE, `${model}: {} is the defaults`);
    t.same(checkProfile(structuredClone(DEFAULT_PROFILE), model), DEFAULT_PROFILE, `${model}: the defaults spelled out`);
    t.same(checkProfile(JSON.parse(JSON.stringify(DEFAULT_PROFILE)), model), DEFAULT_PROFILE, `${model}: through JSON`);
  }
});

t.test('left-out settings take the default; given ones are kept', async (t) => {
  const p = checkProfile({ video: { quality: '720p-high' }, feedback: { reminderWhileNotRecording: { enabled: true, escalating: true } } }, 'W110');
  t.equal(p.video.quality, '720p-high');
  t.equal(p.video.eis, DEFAULT_PROFILE.video.eis);
  t.same(p.feedback.reminderWhileNotRecording, { enabled: true, intervalMin: 10, escalating: true });
  t.same(p.audio, DEFAULT_PROFILE.audio);
  p.audio.enabled = false;
  t.equal(DEFAULT_PROFILE.audio.enabled, true, 'the result is a copy, not the shared defaults');
});

t.test('everything on, on the model that has everything but the mini cube (W120)', async (t) => {
  const raw = {
    video: { quality: '1080p-high', eis: true, barrelCorrection: true },
    audio: { enabled: true, optimization: 'voice' },
    standbyMode: false,
    prebuffer: { enabled: true, lengthS: 120, audio: true },
    postbuffer: { enabled: true, lengthS: 60 },
    location: { mode: 'always', assistedGnss: true },
    overlay: { userName: true, userId: true, position: true },
    activation: {
      recordingButton: 'double-press', alwaysRecord: true, recordOnFall: true, liveStreamOnFall: true,
      broadcast: { enabled: true, strength: 'low', delayAtUndockMin: 30 },
      recordOnReceivedBroadcast: true, privacyZoneResponse: 'alert',
    },
    feedback: {
      frontIndicator: 'flash', alert: 'voice-and-vibration', lowBatteryWarning: 'periodic-reinforced',
      reminderWhileRecording: { enabled: true, intervalMin: 1 },
      reminderWhileNotRecording: { enabled: true, intervalMin: 30, escalating: true },
    },
    featureAccess: { allowSilentMode: true, allowMicrophoneMute: true },
    miniCube: { disableMainRecordingButton: false, rotate180: false },
    streaming: { enabled: true, quality: '720p', liveStreamOnRecord: true, remoteActivation: 'always' },
    assistant: { allowAccessToRecordings: false, allowWirelessNetworkChange: true, allowCategories: true },
    wifiNetwork: 'patrol-net',
  };
  t.same(checkProfile(raw, 'W120'), raw);
  t.same(checkProfile(raw, 'AXIS W120'), raw, 'model given with the AXIS prefix');
});

interface Forbidden { name: string; model: ModelName; raw: unknown; problem: string }

const forbidden: Forbidden[] = [
  {
    name: 'standby with prebuffer', model: 'W110', raw: { standbyMode: true },
    problem: "standbyMode: expected false while the prebuffer is on (standby mode can't be combined with prebuffer), got true with a 30 s prebuffer",
  },
  {
    name: '120 s prebuffer at 1080p on W100', model: 'W100', raw: { video: { quality: '1080p' }, prebuffer: { lengthS: 120 } },
    problem: 'prebuffer.lengthS: expected at most 90 s at video.quality "1080p" on W100 (its prebuffer memory holds no more), got 120 s',
  },
  {
    name: '90 s prebuffer at 1080p high on W101', model: 'W101', raw: { video: { quality: '1080p-high' }, prebuffer: { lengthS: 90 } },
    problem: 'prebuffer.lengthS: expected at most 60 s at video.quality "1080p-high" on W101 (its prebuffer memory holds no more), got 90 s',
  },
  {
    name: 'live stream on fall without record on fall', model: 'W120',
    raw: { activation: { liveStreamOnFall: true }, streaming: { enabled: true } },
    problem: 'activation.liveStreamOnFall: expected false unless activation.recordOnFall is on (live stream on fall detection requires record on fall detection), got true with recordOnFall false',
  },
  {
    name: 'live stream on fall without streaming', model: 'W120',
    raw: { activation: { liveStreamOnFall: true, recordOnFall: true } },
    problem: 'activation.liveStreamOnFall: expected false unless streaming.enabled is on (live stream on fall detection requires Streaming under AXIS Body Worn Live), got true with streaming.enabled false',
  },
  {
    name: 'live stream on record without streaming', model: 'W102', raw: { streaming: { liveStreamOnRecord: true } },
    problem: 'streaming.liveStreamOnRecord: expected false unless streaming.enabled is on (live stream on record is part of Streaming), got true with streaming.enabled false',
  },
  {
    name: 'position overlay without location', model: 'W102', raw: { overlay: { position: true } },
    problem: 'overlay.position: expected false while location.mode is "off" (the position overlay requires Location), got true',
  },
  {
    name: 'EIS on W100', model: 'W100', raw: { video: { eis: true } },
    problem: 'video.eis: expected false (W100 does not support electronic image stabilization), got true',
  },
  {
    name: 'barrel correction on W101', model: 'W101', raw: { video: { barrelCorrection: true } },
    problem: 'video.barrelCorrection: expected false (W101 does not support barrel distortion correction), got true',
  },
  {
    name: 'Voice audio on W100', model: 'W100', raw: { audio: { optimization: 'voice' } },
    problem: 'audio.optimization: expected "default" or "post-processing" (W100 does not support the Voice audio optimization), got "voice"',
  },
  {
    name: 'location on W110', model: 'W110', raw: { location: { mode: 'while-recording-and-streaming' } },
    problem: 'location.mode: expected "off" (W110 does not support location (GNSS)), got "while-recording-and-streaming"',
  },
  {
    name: 'position overlay on W101 (no location at all)', model: 'W101', raw: { overlay: { position: true } },
    problem: 'overlay.position: expected false (W101 does not support location (GNSS)), got true',
  },
  {
    name: 'signal strength on W100', model: 'W100', raw: { activation: { broadcast: { enabled: true, strength: 'medium' } } },
    problem: 'activation.broadcast.strength: expected "high" (its fixed reach) (W100 does not support adjustable wireless broadcast signal strength), got "medium"',
  },
  {
    name: 'voice alert on W101', model: 'W101', raw: { feedback: { alert: 'voice' } },
    problem: 'feedback.alert: expected "vibration", "sound" or "sound-and-vibration" (W101 does not support voice alerts), got "voice"',
  },
  {
    name: 'silent mode on W100', model: 'W100', raw: { featureAccess: { allowSilentMode: true } },
    problem: 'featureAccess.allowSilentMode: expected false (W100 does not support silent mode), got true',
  },
  {
    name: 'mini cube button on W110', model: 'W110', raw: { miniCube: { disableMainRecordingButton: true } },
    problem: 'miniCube.disableMainRecordingButton: expected false (W110 does not support the AXIS TW1201 Mini Cube Sensor), got true',
  },
  {
    name: 'mini cube rotation on W120', model: 'W120', raw: { miniCube: { rotate180: true } },
    problem: 'miniCube.rotate180: expected false (W120 does not support the AXIS TW1201 Mini Cube Sensor), got true',
  },
  {
    name: 'streaming on W101', model: 'W101', raw: { streaming: { enabled: true } },
    problem: 'streaming.enabled: expected false (W101 does not support live streaming), got true',
  },
  {
    name: 'remote stream activation on W100', model: 'W100', raw: { streaming: { remoteActivation: 'while-recording' } },
    problem: 'streaming.remoteActivation: expected "off" (W100 does not support live streaming), got "while-recording"',
  },
];

t.test('each forbidden combination is rejected with its reason, and only it', async (t) => {
  for (const f of forbidden) {
    t.same(problemsOf(f.raw, f.model), [f.problem], f.name);
  }
});

t.test('the same settings are accepted where the model can honour them', async (t) => {
  const accepted: { model: ModelName; raw: unknown }[] = [
    { model: 'W110', raw: { standbyMode: true, prebuffer: { enabled: false } } },
    { model: 'W102', raw: { video: { quality: '1080p' }, prebuffer: { lengthS: 120 } } },
    { model: 'W120', raw: { activation: { liveStreamOnFall: true, recordOnFall: true }, streaming: { enabled: true } } },
    { model: 'W102', raw: { overlay: { position: true }, location: { mode: 'always' } } },
    { model: 'W110', raw: { video: { eis: true, barrelCorrection: true }, audio: { optimization: 'voice' }, feedback: { alert: 'voice' } } },
    { model: 'W100', raw: { activation: { broadcast: { enabled: true, strength: 'high' }, recordOnReceivedBroadcast: true, privacyZoneResponse: 'alert' } } },
    { model: 'W100', raw: { activation: { broadcast: { enabled: false, strength: 'low' } } } },
    { model: 'W101', raw: { miniCube: { disableMainRecordingButton: true, rotate180: true } } },
    { model: 'W100', raw: { featureAccess: { allowMicrophoneMute: true }, feedback: { frontIndicator: 'flash' } } },
  ];
  for (const a of accepted) t.same(problemsOf(a.raw, a.model), [], `${a.model} ${JSON.stringify(a.raw)}`);
});

t.test('every model\'s prebuffer limit at its edges, for every quality and length', async (t) => {
  const limits: Record<ModelName, Record<string, number>> = {
    W100: { '720p': 120, '720p-high': 120, '1080p': 90, '1080p-high': 60 },
    W101: { '720p': 120, '720p-high': 120, '1080p': 90, '1080p-high': 60 },
    W102: { '720p': 120, '720p-high': 120, '1080p': 120, '1080p-high': 120 },
    W110: { '720p': 120, '720p-high': 120, '1080p': 120, '1080p-high': 120 },
    W120: { '720p': 120, '720p-high': 120, '1080p': 120, '1080p-high': 120 },
  };
  for (const model of MODEL_NAMES) {
    for (const quality of IMAGE_QUALITIES) {
      const max = limits[model][quality]!;
      for (const lengthS of PREBUFFER_LENGTHS_S) {
        const problems = problemsOf({ video: { quality }, prebuffer: { lengthS } }, model);
        if (lengthS <= max) t.same(problems, [], `${model} ${quality} ${lengthS} s accepted`);
        else t.same(problems, [`prebuffer.lengthS: expected at most ${max} s at video.quality "${quality}" on ${model} (its prebuffer memory holds no more), got ${lengthS} s`], `${model} ${quality} ${lengthS} s rejected`);
        t.same(problemsOf({ video: { quality }, prebuffer: { enabled: false, lengthS } }, model), [], `${model} ${quality} ${lengthS} s with the prebuffer off`);
      }
    }
  }
});

t.test('unknown keys are named, at the top and inside sections', async (t) => {
  const problems = problemsOf({ preBuffer: { lengthS: 30 }, prebuffer: { length: 30 }, activation: { broadcast: { range: 'far' } } }, 'W102');
  t.same(problems, [
    'preBuffer: unknown setting (got an object); a profile has video, audio, standbyMode, prebuffer, postbuffer, location, overlay, activation, feedback, featureAccess, miniCube, streaming, assistant, wifiNetwork',
    'prebuffer.length: unknown setting (got 30); prebuffer has enabled, lengthS, audio',
    'activation.broadcast.range: unknown setting (got "far"); activation.broadcast has enabled, strength, delayAtUndockMin',
  ]);
  t.same(problemsOf(JSON.parse('{"__proto__": {"x": 1}}'), 'W100').length, 1, '__proto__ is an unknown key, not a prototype');
});

t.test('wrong types and out-of-range values say what was expected and what was given', async (t) => {
  const cases: [unknown, string][] = [
    [{ video: { quality: '4k' } }, 'video.quality: expected one of "720p", "720p-high", "1080p", "1080p-high", got "4k"'],
    [{ video: { eis: 'yes' } }, 'video.eis: expected true or false, got "yes"'],
    [{ prebuffer: { lengthS: 45 } }, 'prebuffer.lengthS: expected one of 15, 30, 60, 90, 120 (s), got 45'],
    [{ prebuffer: { lengthS: '30' } }, 'prebuffer.lengthS: expected one of 15, 30, 60, 90, 120 (s), got "30"'],
    [{ postbuffer: { lengthS: 0 } }, 'postbuffer.lengthS: expected one of 10, 30, 60 (s), got 0'],
    [{ activation: { broadcast: { delayAtUndockMin: 1 } } }, 'activation.broadcast.delayAtUndockMin: expected one of 0, 2, 5, 10, 30 (min), got 1'],
    [{ activation: { recordingButton: 'triple-press' } }, 'activation.recordingButton: expected one of "single-press", "double-press", got "triple-press"'],
    [{ activation: { privacyZoneResponse: null } }, 'activation.privacyZoneResponse: expected one of "none", "alert", got null'],
    [{ feedback: { frontIndicator: 'blink' } }, 'feedback.frontIndicator: expected one of "none", "steady", "flash", got "blink"'],
    [{ feedback: { lowBatteryWarning: 'never' } }, 'feedback.lowBatteryWarning: expected one of "once", "periodic", "periodic-reinforced", got "never"'],
    [{ feedback: { reminderWhileRecording: { intervalMin: 3 } } }, 'feedback.reminderWhileRecording.intervalMin: expected one of 1, 2, 5, 10, 15, 30 (min), got 3'],
    [{ location: { mode: true } }, 'location.mode: expected one of "off", "while-recording-and-streaming", "always", got true'],
    [{ streaming: { quality: '1080p' } }, 'streaming.quality: expected one of "320p", "720p", got "1080p"'],
    [{ wifiNetwork: 'x'.repeat(33) }, `wifiNetwork: expected a text of 1 to 32 characters, or null, got "${'x'.repeat(33)}"`],
    [{ wifiNetwork: 'y'.repeat(50) }, `wifiNetwork: expected a text of 1 to 32 characters, or null, got "${'y'.repeat(40)}…"`],
    [{ wifiNetwork: 7 }, 'wifiNetwork: expected a text of 1 to 32 characters, or null, got 7'],
    [{ audio: [true] }, 'audio: expected an object of settings (enabled, optimization), got a list'],
    [{ standbyMode: {} }, 'standbyMode: expected true or false, got an object'],
  ];
  for (const [raw, problem] of cases) t.same(problemsOf(raw, 'W120'), [problem], problem);
  t.same(problemsOf({ wifiNetwork: 'x'.repeat(32) }, 'W120'), [], '32 characters is a valid network name');
});

t.test('a profile that is not an object', async (t) => {
  for (const [raw, given] of [[null, 'null'], [[], 'a list'], ['W100', '"W100"'], [3, '3']] as const) {
    t.same(problemsOf(raw, 'W100'), [
      `profile: expected an object of settings (${Object.keys(PROFILE_SCHEMA).join(', ')}), got ${given}`,
    ]);
  }
  t.same(checkProfile(undefined, 'W100'), DEFAULT_PROFILE, 'nothing at all is the defaults');
});

t.test('a bad value does not cause knock-on problems', async (t) => {
  t.same(problemsOf({ video: { quality: '4k' }, prebuffer: { lengthS: 120 } }, 'W100'), [
    'video.quality: expected one of "720p", "720p-high", "1080p", "1080p-high", got "4k"',
  ], 'the limit is not judged against a quality that was never given');
  t.same(problemsOf({ video: 'hd', prebuffer: { lengthS: 120 } }, 'W100'), [
    'video: expected an object of settings (quality, eis, barrelCorrection), got "hd"',
  ], 'nor against a section that was not an object');
  t.same(problemsOf({ standbyMode: 1 }, 'W100'), ['standbyMode: expected true or false, got 1']);
});

t.test('a profile with several problems lists all of them in one ProfileError', async (t) => {
  const raw = {
    standbyMode: true,
    video: { quality: '1080p', eis: true },
    prebuffer: { lengthS: 120, length: 3 },
    activation: { liveStreamOnFall: true },
    overlay: 3,
    bogus: [1],
  };
  const expected = [
    'bogus: unknown setting (got a list); a profile has video, audio, standbyMode, prebuffer, postbuffer, location, overlay, activation, feedback, featureAccess, miniCube, streaming, assistant, wifiNetwork',
    'prebuffer.length: unknown setting (got 3); prebuffer has enabled, lengthS, audio',
    'overlay: expected an object of settings (userName, userId, position), got 3',
    'video.eis: expected false (W100 does not support electronic image stabilization), got true',
    "standbyMode: expected false while the prebuffer is on (standby mode can't be combined with prebuffer), got true with a 120 s prebuffer",
    'prebuffer.lengthS: expected at most 90 s at video.quality "1080p" on W100 (its prebuffer memory holds no more), got 120 s',
    'activation.liveStreamOnFall: expected false unless activation.recordOnFall is on (live stream on fall detection requires record on fall detection), got true with recordOnFall false',
    'activation.liveStreamOnFall: expected false unless streaming.enabled is on (live stream on fall detection requires Streaming under AXIS Body Worn Live), got true with streaming.enabled false',
  ];
  let caught: unknown;
  try { checkProfile(raw, 'W100'); } catch (e) { caught = e; }
  t.ok(caught instanceof ProfileError, 'a ProfileError');
  t.ok(caught instanceof ConfigError, 'which is a ConfigError');
  const err = caught as ProfileError;
  t.equal(err.code, 'ECONFIG');
  t.equal(err.name, 'ProfileError');
  t.equal(err.model, 'W100');
  t.same(err.problems, expected);
  t.equal(err.message, `camera profile cannot be assigned to W100: 8 problems:\n${expected.map((p) => `  - ${p}`).join('\n')}`);
  t.same(profileProblems(raw, 'W100'), expected, 'profileProblems lists the same without throwing');
});

t.test('an unknown model is listed with the profile\'s own problems', async (t) => {
  t.same(problemsOf({ video: { quality: '8k' } }, 'W999'), [
    'model: expected one of W100, W101, W102, W110, W120, got "W999"',
    'video.quality: expected one of "720p", "720p-high", "1080p", "1080p-high", got "8k"',
  ]);
  t.throws(() => checkProfile({}, 'W999'), { message: 'camera profile cannot be assigned to W999: 1 problem:\n  - model: expected one of W100, W101, W102, W110, W120, got "W999"' });
});
