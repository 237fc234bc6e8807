/**
 * The Linux RFID reader on real input_event bytes: a FIFO written as the kernel writes a
 * keyboard-wedge reader's records (64-bit and 32-bit layouts), a file of a capture, a missing
 * node, and the reader unplugged (end of input).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeInputEvents, type RecordSize } from '../../../hal/buttons/evdev.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import { DeviceGoneError, DeviceMissingError } from '../../../hal/errors.js';
import { EvdevRfidReader } from '../../../hal/rfid/linux.js';
import { typeTag } from '../../../hal/rfid/keyboard-wedge.js';
import type { TagRead } from '../../../hal/rfid/contract.js';

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`still waiting for ${what} after ${ms} ms`);
}

for (const size of [24, 16] as RecordSize[]) {
  t.test(`FIFO, ${size}-byte records: tags read, a garbled read dropped, unplugging ends the reader`, { skip: hasMkfifo ? false : 'mkfifo (coreutils) is not installed' }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'bwc-rfid-'));
    const path = join(dir, 'event-kbd');
    spawnSync('mkfifo', [path]);
    const clock = new SystemClock();
    const [reader, writer] = await Promise.all([EvdevRfidReader.open({ path, clock, recordSize: size }), open(path, 'w')]);
    const reads: TagRead[] = [];
    reader.onTag((r) => reads.push(r));
    const now = Date.now();
    const bytes = encodeInputEvents([...typeTag('1D1AC750', now - 500), ...typeTag('12', now - 490).slice(0, 4), { timeMs: now - 489, type: 1, code: 16, value: 1 }, ...typeTag('', now - 488), ...typeTag('FDA3C650', now - 470)], size);
    // Written in pieces cut mid-record, as reads of a device may return them.
    for (let at = 0; at < bytes.length; at += 37) await writer.write(bytes.subarray(at, at + 37));
    await waitFor(() => reads.length >= 2, 'two tags');
    t.same(reads.map((r) => r.tag), ['1D1AC750', 'FDA3C650']);
    t.ok(reads.every((r) => r.atMs <= clock.monotonic()), 'times on the monotonic scale, not in the future');
    t.ok(Math.abs(reads[1]!.atMs - reads[0]!.atMs - 30) <= 2, 'the kernel\'s spacing kept (30 ms, within the 1 ms grain of the wall clock)');
    t.equal(reader.stats.garbled, 1, 'the garbled read counted');
    t.equal(reader.stats.tags, 2);
    const ended = new Promise((r) => reader.onClose(r));
    await writer.write(encodeInputEvents(typeTag('99', Date.now()).slice(0, 2), size));
    await writer.close();
    const error = await ended;
    t.ok(error instanceof DeviceGoneError, 'unplugged: DeviceGoneError');
    t.match((error as Error).message, /RFID reader at .* went away/);
    t.equal(reader.stats.partial, 1, 'the read cut by the unplug counted as partial');
    await reader.close();
    await rm(dir, { recursive: true, force: true });
  });
}

t.test('a capture in a file is read to its end', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-rfid-'));
  const path = join(dir, 'capture.bin');
  await writeFile(path, encodeInputEvents([...typeTag('3DFDC650', 1000), ...typeTag('42', 2000)], 24));
  const reader = await EvdevRfidReader.open({ path, clock: new SystemClock(), recordSize: 24 });
  const reads: string[] = [];
  reader.onTag((r) => reads.push(r.tag));
  await new Promise((r) => reader.onClose(r));
  t.same(reads, ['3DFDC650', '42']);
  await rm(dir, { recursive: true, force: true });
});

t.test('a missing node and bad options are named', async (t) => {
  await t.rejects(EvdevRfidReader.open({ path: '/nonexistent/event9', clock: new SystemClock() }), DeviceMissingError);
  await t.rejects(EvdevRfidReader.open({ path: '/nonexistent/event9', clock: new SystemClock() }), /RFID reader not found at \/nonexistent\/event9: expected the reader's evdev node/);
  await t.rejects(EvdevRfidReader.open({ path: '', clock: new SystemClock() }), TypeError);
  await t.rejects(EvdevRfidReader.open({ path: tmpdir(), clock: new SystemClock() }), /is a directory/);
  await t.rejects(EvdevRfidReader.open({ path: '/dev/null', clock: new SystemClock(), recordSize: 8 as RecordSize }), /16 or 24/);
});
