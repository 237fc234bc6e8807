/**
 * Errors by kind from the content destination, so the uploader decides by kind, not by status:
 * retry later, stop and alert, keep as "not transferred", fix the clock, or a plain failure.
 */

export type DestinationErrorKind =
  /** 503, other 5xx, a dropped connection: back off (`retryAfterMs` when the server said) and retry. */
  | 'retry-later'
  /** 507 destination full or 402 out of licences (`alert` says which): stop uploading and alert. */
  | 'stop-and-alert'
  /** 400: the destination will never store this; keep the recording, mark it "not transferred". */
  | 'never-storable'
  /** The destination's clock differs from ours by more than allowed: the manual's "Can't transfer recordings". */
  | 'clock-mismatch'
  /** 401 after re-authenticating, or every auth endpoint refused the credentials. */
  | 'unauthorized'
  /** What the destination stored is not what we sent (Etag mismatch): send it again. */
  | 'corrupt'
  /** Anything else (403, 404, 409, a malformed reply): not retried automatically. */
  | 'failed';

export type DestinationAlert = 'destination-full' | 'out-of-licences' | 'clock-mismatch';

export class DestinationError extends Error {
  readonly code = 'EDEST';
  readonly kind: DestinationErrorKind;
  /** `PUT /v1/AUTH_x/container/object`: the request this answers (never carries the token). */
  readonly request: string;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** Back-off hint from Retry-After, in ms. */
  readonly retryAfterMs: number | undefined;
  readonly alert: DestinationAlert | undefined;
  constructor(kind: DestinationErrorKind, request: string, message: string, extra: { status?: number; retryAfterMs?: number; alert?: DestinationAlert; cause?: unknown } = {}) {
    super(`${request}: ${message}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'DestinationError';
    this.kind = kind;
    this.request = request;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
    this.alert = extra.alert;
  }
}

export function isDestinationError(e: unknown, kind?: DestinationErrorKind): e is DestinationError {
  return e instanceof DestinationError && (kind === undefined || e.kind === kind);
}

/** Retry-After as ms: delta-seconds or an HTTP date (relative to `nowMs`); undefined if absent or bad. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request (the destination will never store this: keep it, mark it not transferred)',
  401: 'Unauthorized',
  402: 'Payment Required (out of licences: stop and alert)',
  403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 411: 'Length Required', 422: 'Unprocessable Entity',
  500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable (retry later)', 504: 'Gateway Timeout',
  507: 'Insufficient Storage (destination full: stop and alert)',
};

/**
 * The one table from an HTTP answer to an error kind. `skewMs` is how far the destination's
 * `Date` is from our clock when known; a 400 with a skew over `maxSkewMs` is a clock mismatch.
 */
export function errorForStatus(request: string, status: number, detail: { retryAfterMs?: number | undefined; skewMs?: number | undefined; maxSkewMs: number; body?: string }): DestinationError {
  const body = detail.body?.trim() ? ` (${detail.body.trim().slice(0, 200)})` : '';
  const what = `${status} ${REASONS[status] ?? 'unexpected status'}${body}`;
  if (status === 400 && detail.skewMs !== undefined && Math.abs(detail.skewMs) > detail.maxSkewMs) {
    return new DestinationError('clock-mismatch', request, `${what}; the destination's clock is ${Math.round(detail.skewMs / 1000)} s from ours (allowed ${detail.maxSkewMs / 1000} s): synchronise both clocks (same NTP server)`, { status, alert: 'clock-mismatch' });
  }
  switch (status) {
    case 400: return new DestinationError('never-storable', request, what, { status });
    case 401: return new DestinationError('unauthorized', request, what, { status });
    case 402: return new DestinationError('stop-and-alert', request, what, { status, alert: 'out-of-licences' });
    case 507: return new DestinationError('stop-and-alert', request, what, { status, alert: 'destination-full' });
    default:
      if (status === 503 || status >= 500) {
        const extra: { status: number; retryAfterMs?: number } = { status };
        if (detail.retryAfterMs !== undefined) extra.retryAfterMs = detail.retryAfterMs;
        return new DestinationError('retry-later', request, what, extra);
      }
      return new DestinationError('failed', request, what, { status });
  }
}
