import t from 'tap';
import { checkRecorderConfig, type RecorderConfig } from '../../../../firmware/camera/recorder/recorder-machine.js';
import { DEFAULT_PROFILE, type CameraProfile } from '../../../../firmware/camera/profile/profile.js';
import { recorderConfigOf } from '../../../../firmware/camera/profile/recorder-config.js';
import { checkProfile } from '../../../../firmware/camera/profile/check-profile.js';

const cases: { name: string; raw: unknown; expected: RecorderConfig }[] = [
  { name: 'defaults', raw: {}, expected: { prebufferMs: 30_000, postbufferMs: 0, alwaysRecord: false, activation: 'single-press' } },
  {
    name: '120 s prebuffer at 720p, 60 s postbuffer, double press',
    raw: { video: { quality: '720p' }, prebuffer: { lengthS: 120 }, postbuffer: { enabled: true, lengthS: 60 }, activation: { recordingButton: 'double-press' } },
    expected: { prebufferMs: 120_000, postbufferMs: 60_000, alwaysRecord: false, activation: 'double-press' },
  },
  {
    name: 'prebuffer off',
    raw: { prebuffer: { enabled: false, lengthS: 90 }, postbuffer: { enabled: true, lengthS: 10 } },
    expected: { prebufferMs: 0, postbufferMs: 10_000, alwaysRecord: false, activation: 'single-press' },
  },
  {
    name: 'standby mode (no prebuffer)',
    raw: { standbyMode: true, prebuffer: { enabled: false } },
    expected: { prebufferMs: 0, postbufferMs: 0, alwaysRecord: false, activation: 'single-press' },
  },
  {
    name: 'always record, postbuffer length kept but off',
    raw: { activation: { alwaysRecord: true }, postbuffer: { enabled: false, lengthS: 60 }, prebuffer: { lengthS: 15 } },
    expected: { prebufferMs: 15_000, postbufferMs: 0, alwaysRecord: true, activation: 'single-press' },
  },
];

t.test('recorderConfigOf maps a checked profile to the recorder config', async (t) => {
  for (const c of cases) {
    const config = recorderConfigOf(checkProfile(c.raw, 'W100'));
    t.same(config, c.expected, c.name);
    t.equal(checkRecorderConfig(config), config, `${c.name}: the recorder accepts it`);
  }
});

t.test('standby wins over a prebuffer that slipped through unchecked', async (t) => {
  const p: CameraProfile = { ...DEFAULT_PROFILE, standbyMode: true };
  t.equal(recorderConfigOf(p).prebufferMs, 0);
});
