import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { videoContract } from './suite.js';
import { Timeline } from '../../../hal/clock/emulated.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { EmulatedCamera } from '../../../hal/video/emulated.js';
import { CaptureCommandVideo } from '../../../hal/video/linux.js';
import { DEFAULT_FIXTURE_URL } from '../../../hal/video/fixture.js';

const fixturePath = fileURLToPath(DEFAULT_FIXTURE_URL);
const pacedCamera = fileURLToPath(new URL('./fixtures/paced-camera.mjs', import.meta.url));

videoContract(t, 'emulated camera', async () => {
  const timeline = new Timeline();
  const clock = timeline.clock();
  const camera = new EmulatedCamera({ clock, name: 'contract' });
  return {
    source: camera,
    pass: (ms) => timeline.advance(ms),
    gop: 30,
    crash: async () => camera.fail('sensor timeout'),
    crashMessage: /emulated:contract: capture failed: sensor timeout/,
    missing: () => new EmulatedCamera({ clock, fixtureUrl: new URL('file:///nonexistent/bwc-camera.h264') }),
    cleanup: async () => {},
  };
});

// The real driver runs a stand-in capture command: node writing the fixture to stdout at 400 fps.
videoContract(t, 'capture command video', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bwc-video-'));
  const trigger = join(dir, 'fail-now');
  const clock = new SystemClock();
  // Without tap's NODE_OPTIONS (its TypeScript loader) the stand-in starts in ~50 ms, not ~500.
  const env = { ...process.env, NODE_OPTIONS: '' };
  const options = { clock, env, width: 320, height: 240, fps: 400, profile: 'constrained-baseline' as const, stopGraceMs: 1000 };
  return {
    source: new CaptureCommandVideo({ ...options, command: [process.execPath, pacedCamera, fixturePath, '400', '60', trigger] }),
    pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    gop: 30,
    crash: async () => writeFileSync(trigger, ''),
    crashMessage: /capture command `.*paced-camera\.mjs.*` exited with code 3; stderr: camera: starting \| camera: sensor timeout/,
    missing: () => new CaptureCommandVideo({ ...options, command: ['bwc-no-such-camera-command', '-o', '-'] }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
