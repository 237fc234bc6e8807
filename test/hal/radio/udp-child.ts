// A host inside a network namespace for linux-udp.test.ts: opens a LinuxUdpRadio on argv[2],
// prints `ready`, then `heard <hex>` per frame; stdin lines `send <hex> <strength>` send one.
import { createInterface } from 'node:readline';
import { LinuxUdpRadio } from '../../../hal/radio/linux-udp.js';
import { SystemClock } from '../../../hal/clock/linux.js';
import type { RadioStrength } from '../../../hal/radio/contract.js';

const iface = process.argv[2]!;
const radio = await LinuxUdpRadio.open({ interface: iface, clock: new SystemClock() }).catch((e: Error) => {
  process.stdout.write(`error ${e.name} ${e.message}\n`);
  process.exit(0);
});
radio.onFrame((f) => process.stdout.write(`heard ${Buffer.from(f.bytes).toString('hex')}\n`));
process.stdout.write('ready\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, hex, strength] = line.split(' ');
  if (cmd === 'send') {
    radio.send(Buffer.from(hex!, 'hex'), strength as RadioStrength).then(
      () => process.stdout.write('sent\n'),
      (e: Error) => process.stdout.write(`send-error ${e.message}\n`));
  }
}).on('close', () => { void radio.close().then(() => process.exit(0)); });
