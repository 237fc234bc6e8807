/** Two in-memory Duplex ends joined back to back (no sockets), delivering on the next tick: a transport for session tests. */
import { Duplex } from 'node:stream';

export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (i: number) => new Duplex({
    read() {},
    write(chunk: Buffer, _e, cb) { process.nextTick(() => { ends[1 - i]!.push(chunk); cb(); }); },
    final(cb) { process.nextTick(() => { ends[1 - i]!.push(null); cb(); }); },
  });
  ends.push(make(0), make(1));
  return [ends[0]!, ends[1]!];
}
