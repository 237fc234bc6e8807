import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedSerial } from '../../../hal/serial/emulated.js';
import { LinuxSerial } from '../../../hal/serial/linux.js';
import { NmeaGnss } from '../../../hal/gnss/serial-nmea.js';
import { GpsdGnss } from '../../../hal/gnss/gpsd.js';
import { EmulatedGnssReceiver } from '../../../hal/gnss/emulated-receiver.js';
import { gnssContract, type GnssHarness } from './suite.js';
import { epochLines } from './nmea-epoch.js';
import { farDevice, ptyPair, socatMissing } from '../serial/pty-pair.js';
import { GPSD_FIXTURE, gpsdTpv } from './gpsd-fixture.js';

const realUntil = async (cond: () => boolean, what: string, ms = 8000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A free TCP port on 127.0.0.1 (listen on 0, close). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

gnssContract(t, 'NmeaGnss on the emulated receiver', async (): Promise<GnssHarness> => {
  const tl = new Timeline();
  const clock = tl.clock();
  const serial = new EmulatedSerial({ name: 'cam1' });
  const receiver = new EmulatedGnssReceiver({ serial, path: '/dev/ttyGNSS0', clock, coldStartMs: 0, hotStartMs: 0 });
  const gnss = new NmeaGnss({ serial, path: '/dev/ttyGNSS0', baudRate: 9600, clock });
  return {
    gnss,
    async epoch(place) {
      if (place) { receiver.setSky('open'); receiver.setPosition(place); } else receiver.setSky('blocked');
    },
    async until(cond, what) {
      for (let i = 0; i < 30 && !cond(); i++) await tl.advance(1000);
      if (!cond()) throw new Error(`30 s of virtual time without ${what}`);
    },
    async vanish() { receiver.close(); },
    missing: () => new NmeaGnss({ serial, path: '/dev/ttyNONE', baudRate: 9600 }),
    async cleanup() { await gnss.close(); receiver.close(); },
  };
});

t.test('NmeaGnss over the real serial driver (socat PTY pair)', { skip: socatMissing }, async (t) => {
  gnssContract(t, 'NmeaGnss on a PTY', async (): Promise<GnssHarness> => {
    const pair = await ptyPair();
    const far = await farDevice(pair);
    const gnss = new NmeaGnss({ serial: new LinuxSerial(), path: pair.host, baudRate: 9600 });
    return {
      gnss,
      async epoch(place) { await far.send(new TextEncoder().encode(epochLines(place, Date.now()))); },
      until: (cond, what) => realUntil(cond, what),
      async vanish() { await far.vanish(); },
      missing: () => new NmeaGnss({ serial: new LinuxSerial(), path: `${pair.dir}/nope`, baudRate: 9600 }),
      async cleanup() { await gnss.close(); await far.close(); },
    };
  });
});

/** A scripted gpsd: replays gpsd's documented JSON messages (./gpsd-fixture.ts). */
async function scriptedGpsd(): Promise<{ port: number; server: Server; clients: Set<Socket>; send(line: string): void; kill(): Promise<void> }> {
  const clients = new Set<Socket>();
  const server = createServer((c) => {
    clients.add(c);
    c.on('close', () => clients.delete(c));
    c.on('error', () => {});
    c.write(`${GPSD_FIXTURE.version}\r\n`);
    c.on('data', (d) => {
      if (d.toString().includes('?WATCH={"enable":true')) c.write(`${GPSD_FIXTURE.devices}\r\n${GPSD_FIXTURE.watch}\r\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port, server, clients,
    send(line) { for (const c of clients) c.write(`${line}\r\n`); },
    async kill() { for (const c of clients) c.destroy(); await new Promise<void>((r) => server.close(() => r())); },
  };
}

gnssContract(t, 'GpsdGnss on a scripted gpsd', async (): Promise<GnssHarness> => {
  const gpsd = await scriptedGpsd();
  const gnss = new GpsdGnss({ port: gpsd.port });
  let killed = false;
  return {
    gnss,
    async epoch(place) {
      await realUntil(() => gpsd.clients.size > 0, 'the client');
      gpsd.send(GPSD_FIXTURE.sky);
      gpsd.send(place ? gpsdTpv(place, Date.now()) : GPSD_FIXTURE.tpvNoFix);
    },
    until: (cond, what) => realUntil(cond, what),
    async vanish() { killed = true; await gpsd.kill(); },
    missing: () => new GpsdGnss({ port: 1, connectTimeoutMs: 2000 }),
    async cleanup() { await gnss.close(); if (!killed) await gpsd.kill(); },
  };
});

const gpsdMissing: string | false = spawnSync('gpsd', ['-V'], { stdio: 'ignore' }).status === 0 ? false : 'needs gpsd (Debian package gpsd)';

t.test('GpsdGnss against the real gpsd fed NMEA through a PTY', { skip: socatMissing || gpsdMissing }, async (t) => {
  gnssContract(t, 'GpsdGnss on gpsd', async (): Promise<GnssHarness> => {
    const pair = await ptyPair();
    const far = await farDevice(pair);
    const port = await freePort();
    const proc: ChildProcess = spawn('gpsd', ['-N', '-n', '-b', '-S', String(port), '-F', `${pair.dir}/gpsd.sock`, pair.host], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    let place: { latitude: number; longitude: number } | null = null;
    let second = 0;
    // gpsd wants a steady stream: feed an epoch every 100 ms of real time, each one second on.
    const t0 = Date.now();
    const feeder = setInterval(() => { void far.send(new TextEncoder().encode(epochLines(place, t0 + 1000 * second++))).catch(() => {}); }, 100);
    // Wait for gpsd to listen.
    const s = new GpsdGnss({ port, connectTimeoutMs: 500 });
    for (let i = 0; ; i++) {
      try { await s.start(); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
    }
    await s.close();
    const gnss = new GpsdGnss({ port });
    const kill = async () => { if (proc.exitCode === null && proc.signalCode === null) { proc.kill('SIGTERM'); await exited; } };
    return {
      gnss,
      async epoch(p) { place = p; },
      until: (cond, what) => realUntil(cond, what, 15000),
      vanish: kill,
      missing: () => new GpsdGnss({ port: 1, connectTimeoutMs: 2000 }),
      async cleanup() { clearInterval(feeder); await gnss.close(); await kill(); await far.close(); },
    };
  });
});
