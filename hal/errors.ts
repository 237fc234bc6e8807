/**
 * Errors by kind, shared by every HAL driver. Each names the thing that failed and what was
 * expected, so a user sees one clear line instead of a stack trace.
 */

/** A runtime condition of a device or driver. `code` is stable and machine-readable. */
export class HalError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HalError';
    this.code = code;
  }
}

/** An operation this driver cannot do (Johnny-Five's rule: say so, don't guess). */
export class NotSupportedError extends HalError {
  constructor(operation: string, driver: string) {
    super('ENOTSUP', `${operation} is not supported by ${driver}`);
    this.name = 'NotSupportedError';
  }
}

/** A device node, sysfs file or interface that should exist and does not. */
export class DeviceMissingError extends HalError {
  constructor(what: string, path: string, expected: string, options?: { cause?: unknown }) {
    super('ENODEV', `${what} not found at ${path}: expected ${expected}`, options);
    this.name = 'DeviceMissingError';
  }
}

/** A device that was present and went away (serial port unplugged, interface removed). */
export class DeviceGoneError extends HalError {
  constructor(what: string, path: string, options?: { cause?: unknown }) {
    super('EGONE', `${what} at ${path} went away`, options);
    this.name = 'DeviceGoneError';
  }
}

/** The device lost power: every operation fails until it boots again. Emulated power cuts. */
export class PowerLostError extends HalError {
  constructor(what: string) {
    super('EPOWER', `${what}: power was cut; the device must boot again`);
    this.name = 'PowerLostError';
  }
}

/** No space left on a storage medium. */
export class StorageFullError extends HalError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('ENOSPC', `storage full while writing ${path}`, options);
    this.name = 'StorageFullError';
  }
}

/** A read failed at the medium (bad block, I/O error). */
export class StorageReadError extends HalError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('EIO', `read error on ${path}`, options);
    this.name = 'StorageReadError';
  }
}

/** A human-facing configuration problem: a bad board name, a malformed config file. */
export class ConfigError extends Error {
  readonly code = 'ECONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
