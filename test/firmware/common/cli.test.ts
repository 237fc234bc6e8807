/** The device command line as a user meets it: help, ready line, and one clear error for bad input. */
import t, { type Test } from 'tap';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundle, runUntilReady } from './device.js';

const noStack = (tt: Test, stderr: string): void => { tt.notMatch(stderr, /\n\s+at /, 'no stack trace'); };



let dir: string;
t.before(async () => { dir = await mkdtemp(join(tmpdir(), 'bwc-cli-')); });
t.teardown(() => rm(dir, { recursive: true, force: true }));

t.test('--help lists every board with its settings', async (t) => {
  for (const bundle of ['camera', 'controller']) {
    const r = await runBundle(bundle, ['--help']);
    t.equal(r.code, 0, `${bundle} --help exits 0`);
    t.match(r.stdout, new RegExp(`usage: ${bundle}.mjs --board NAME`));
    t.match(r.stdout, bundle === 'camera' ? /linux-camera:[\s\S]*emulated-camera:/ : /linux-controller:[\s\S]*emulated-controller:/);
    t.match(r.stdout, /serial: a string matching .* \(required\)/);
    if (bundle === 'controller') t.match(r.stdout, /--adopt-cameras\s+"Add cameras"/);
  }
});

t.test('an unknown board is named with the choices, exit 2', async (t) => {
  const r = await runBundle('camera', ['--board', 'rpi-cam']);
  t.equal(r.code, 2);
  t.equal(r.stderr.trim(), 'camera: error: unknown camera board "rpi-cam"; expected one of: linux-camera, emulated-camera');
  const wrong = await runBundle('camera', ['--board', 'linux-controller']);
  t.match(wrong.stderr, /\(linux-controller is a controller board\)/);
  const none = await runBundle('controller', []);
  t.equal(none.code, 2);
  t.match(none.stderr, /missing --board NAME; expected one of: linux-controller, emulated-controller/);
});

t.test('a config file that is missing, not JSON, or wrong names the file and every bad field', async (t) => {
  const missing = await runBundle('camera', ['--board', 'emulated-camera', '--config', join(dir, 'nope.json')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /config file .*nope\.json: not found; expected a JSON file of board settings/);

  await writeFile(join(dir, 'broken.json'), '{"serial": "W100-1",');
  const broken = await runBundle('camera', ['--board', 'emulated-camera', '--config', join(dir, 'broken.json')]);
  t.equal(broken.code, 2);
  t.match(broken.stderr, /broken\.json: not valid JSON .*expected a JSON object of board settings/);
  noStack(t, broken.stderr);

  await writeFile(join(dir, 'wrong.json'), JSON.stringify({ serial: 'bad serial!', batteryPercent: 140, colour: 'red' }));
  const wrong = await runBundle('camera', ['--board', 'emulated-camera', '--config', join(dir, 'wrong.json')]);
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, /3 invalid settings/);
  t.match(wrong.stderr, /colour: unknown setting; expected one of serial, model/);
  t.match(wrong.stderr, /serial: expected a string matching .*, got "bad serial!"/);
  t.match(wrong.stderr, /batteryPercent: expected an integer 0-100, got 140/);

  const noSerial = await runBundle('controller', ['--board', 'emulated-controller']);
  t.equal(noSerial.code, 2);
  t.match(noSerial.stderr, /serial: missing, expected a string matching/);
  t.match(noSerial.stderr, /systemId: missing, expected a string matching .*this body-worn system's id/);
});

t.test('emulated boards start, print one ready line and stop cleanly on SIGTERM', async (t) => {
  await writeFile(join(dir, 'cam.json'), JSON.stringify({ serial: 'W100-0007' }));
  const cam = await runUntilReady('camera', ['--board', 'emulated-camera', '--config', join(dir, 'cam.json')]);
  t.match(cam.ready, /^camera ready: board=emulated-camera serial=W100-0007 model=W100 dock=dock0 firmware=\S+ in \d+ ms$/);
  t.equal(cam.code, 0, 'clean exit after SIGTERM');
  await writeFile(join(dir, 'ctl.json'), JSON.stringify({ serial: 'W800-0001', systemId: 'sys-1' }));
  const ctl = await runUntilReady('controller', ['--board', 'emulated-controller', '--config', join(dir, 'ctl.json')]);
  t.match(ctl.ready, /^controller ready: board=emulated-controller serial=W800-0001 system=sys-1 ports=1:port1,2:port2,3:port3,4:port4,5:port5/);
  t.equal(ctl.code, 0);
});

/** A directory shaped like the sysfs a camera board reads. */
async function fakeSysfs(root: string): Promise<{ power: string; leds: string }> {
  const power = join(root, 'power_supply'), leds = join(root, 'leds');
  for (const [d, files] of Object.entries({
    [join(power, 'BAT0')]: { type: 'Battery', capacity: '77', status: 'Discharging' },
    [join(power, 'AC')]: { type: 'Mains', online: '0' },
    [join(leds, 'bwc:green:status')]: { brightness: '0', max_brightness: '255', trigger: 'none [timer]' },
    [join(leds, 'bwc:red:status')]: { brightness: '0', max_brightness: '255', trigger: 'none [timer]' },
  })) {
    await mkdir(d, { recursive: true });
    for (const [f, v] of Object.entries(files)) await writeFile(join(d, f), `${v}\n`);
  }
  return { power, leds };
}

t.test('linux-camera: a missing device node is one clear error, exit 1; with its devices present it is ready', async (t) => {
  const sys = await fakeSysfs(join(dir, 'sys'));
  const store = join(dir, 'store');
  await mkdir(store, { recursive: true });
  const base = { serial: 'W100-0009', storageDir: store, dockInterface: 'lo', power: { root: sys.power, pollMs: 50 }, leds: { root: sys.leds } };

  await writeFile(join(dir, 'nodev.json'), JSON.stringify({ ...base, buttons: { device: join(dir, 'no-event7') } }));
  const nodev = await runBundle('camera', ['--board', 'linux-camera', '--config', join(dir, 'nodev.json')]);
  t.equal(nodev.code, 1);
  t.match(nodev.stderr, /^camera: error: .*no-event7.*evdev/m);
  t.equal(nodev.stderr.trim().split('\n').length, 1, 'one line');

  await writeFile(join(dir, 'nostore.json'), JSON.stringify({ ...base, storageDir: join(dir, 'absent') }));
  const nostore = await runBundle('camera', ['--board', 'linux-camera', '--config', join(dir, 'nostore.json')]);
  t.equal(nostore.code, 1);
  t.match(nostore.stderr, /storage directory not found at .*absent: expected an existing writable directory/);

  // A FIFO stands in for the evdev node: the driver reads it like /dev/input/eventN.
  const { execFileSync } = await import('node:child_process');
  execFileSync('mkfifo', [join(dir, 'event0')]);
  // Opening a FIFO for reading blocks until it has a writer (an evdev node never does): be one.
  const { open } = await import('node:fs/promises');
  const writer = await open(join(dir, 'event0'), 'r+');
  t.teardown(() => writer.close());
  await writeFile(join(dir, 'ok.json'), JSON.stringify({ ...base, buttons: { device: join(dir, 'event0') } }));
  const ok = await runUntilReady('camera', ['--board', 'linux-camera', '--config', join(dir, 'ok.json')]);
  t.match(ok.ready, /^camera ready: board=linux-camera serial=W100-0009 model=W100 dock=lo/);
  t.equal(ok.code, 0, ok.stderr);
});

t.test('linux-controller: a missing port interface names the port; with lo as port 1 it is ready', async (t) => {
  const sys = await fakeSysfs(join(dir, 'sys2'));
  const store = join(dir, 'store2');
  await mkdir(store, { recursive: true });
  await writeFile(join(dir, 'ctl-bad.json'), JSON.stringify({ serial: 'W800-2', systemId: 'site-a', storageDir: store, ports: { 1: 'lo', 3: 'ethX9' }, leds: { root: sys.leds } }));
  const bad = await runBundle('controller', ['--board', 'linux-controller', '--config', join(dir, 'ctl-bad.json')]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /docking-station port 3 interface not found at ethX9: expected a network interface/);
  await writeFile(join(dir, 'ctl-ok.json'), JSON.stringify({ serial: 'W800-2', systemId: 'site-a', storageDir: store, ports: { 1: 'lo' }, leds: { root: sys.leds } }));
  const ok = await runUntilReady('controller', ['--board', 'linux-controller', '--config', join(dir, 'ctl-ok.json')]);
  t.match(ok.ready, /^controller ready: board=linux-controller serial=W800-2 system=site-a ports=1:lo/);
  t.equal(ok.code, 0, ok.stderr);
});

t.test('linux-camera: its button device vanishing while running ends the camera with one clear error, exit 1', async (t) => {
  const sys = await fakeSysfs(join(dir, 'sys3'));
  const store = join(dir, 'store3');
  await mkdir(store, { recursive: true });
  const { execFileSync, spawn } = await import('node:child_process');
  const fifo = join(dir, 'event-gone');
  execFileSync('mkfifo', [fifo]);
  const { open } = await import('node:fs/promises');
  const writer = await open(fifo, 'r+');
  await writeFile(join(dir, 'gone.json'), JSON.stringify({ serial: 'W100-0010', storageDir: store, dockInterface: 'lo', power: { root: sys.power, pollMs: 50 }, leds: { root: sys.leds }, buttons: { device: fifo } }));
  const child = spawn(process.execPath, ['dist/camera.mjs', '--board', 'linux-camera', '--config', join(dir, 'gone.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((r) => child.on('close', r));
  await new Promise<void>((r) => child.stdout.on('data', (d) => { stdout += d; if (stdout.includes('camera ready:')) r(); }));
  await writer.close(); // the only writer goes: the input ends, as when the device is unplugged
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  t.equal(code, 1);
  t.match(stderr, new RegExp(`camera: error: button input device at ${fifo.replaceAll('/', '\\/')} went away`));
  t.notMatch(stderr, /\n\s+at /, 'no stack trace');
});

t.test('controller --connection: an unreadable or invalid connection file is named with every bad field, exit 2; a good one is in the ready line', async (t) => {
  const config = join(dir, 'controller-conn.json');
  await writeFile(config, JSON.stringify({ serial: 'W800-0009', systemId: 'cli-site' }));
  const missing = await runBundle('controller', ['--board', 'emulated-controller', '--config', config, '--connection', join(dir, 'none.json')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /connection file .*none\.json: cannot read it \(ENOENT\); expected the content destination's connection file \(JSON\)/);
  noStack(t, missing.stderr);
  const badFile = join(dir, 'bad-connection.json');
  await writeFile(badFile, JSON.stringify({ ConnectionFileVersion: '1.0', SiteName: 'x', ApplicationName: 'x', ApplicationVersion: '1', AuthenticationTokenURI: ['ftp://x'], BlobAPIUserName: 'u', ContainerType: 'avi' }));
  const bad = await runBundle('controller', ['--board', 'emulated-controller', '--config', config, '--connection', badFile]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /bad-connection\.json: connection file is not valid: .*AuthenticationTokenURI\[0\].*/);
  t.match(bad.stderr, /BlobAPIKey/, 'the missing field is named too');
  t.match(bad.stderr, /ContainerType/, 'and the wrong value');
  const goodFile = join(dir, 'good-connection.json');
  await writeFile(goodFile, JSON.stringify({ ConnectionFileVersion: '1.0', SiteName: 'Evidence site', ApplicationName: 'x', ApplicationVersion: '1', AuthenticationTokenURI: ['http://127.0.0.1:9/auth/v1.0'], BlobAPIUserName: 'u', BlobAPIKey: 'k' }));
  const good = await runUntilReady('controller', ['--board', 'emulated-controller', '--config', config, '--connection', goodFile]);
  t.match(good.ready, /controller ready: .*destination=Evidence site/);
  const help = await runBundle('controller', ['--help']);
  t.match(help.stdout, /--connection FILE\s+the content destination's connection file/);
});
