/**
 * A serial port as an async iterable of byte chunks, for line readers (GNSS NMEA): it ends
 * quietly when the port is closed and throws the DeviceGoneError when the device went away.
 */
import { HalError } from '../errors.js';
import type { SerialPort } from './contract.js';

const endedByClose = (err: unknown) =>
  err instanceof HalError && (err.code === 'ECANCELED' || err.code === 'ECLOSED');

/** Yield every chunk `port` receives until it ends. */
export async function* readChunks(port: SerialPort, maxBytes?: number): AsyncGenerator<Uint8Array, void, undefined> {
  for (;;) {
    let chunk: Uint8Array;
    try {
      chunk = await port.read(maxBytes);
    } catch (err) {
      if (endedByClose(err)) return;
      throw err;
    }
    yield chunk;
  }
}
