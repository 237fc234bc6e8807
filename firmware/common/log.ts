/** Namespaced log lines on stderr (`bw:camera:dock ...`); debug lines only when verbose. */
export interface Log {
  info(namespace: string, message: string): void;
  debug(namespace: string, message: string): void;
  warn(namespace: string, message: string): void;
}

export function logger(target: string, verbose: boolean, write: (line: string) => void = (l) => process.stderr.write(l)): Log {
  const line = (level: string, ns: string, m: string) => write(`bw:${target}:${ns} ${level}${m}\n`);
  return {
    info: (ns, m) => line('', ns, m),
    warn: (ns, m) => line('warning: ', ns, m),
    debug: (ns, m) => { if (verbose) line('', ns, m); },
  };
}

/** A log that drops everything (tests, the simulator's quiet devices). */
export const silentLog: Log = { info() {}, debug() {}, warn() {} };
