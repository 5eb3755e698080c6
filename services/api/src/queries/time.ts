import { TracehoundError } from '@tracehound/errors';

const NS_PER_MS = 1_000_000n;

/**
 * A point in time from a request: ISO 8601 (`2026-11-28T22:00:00.123456789Z`, up to nine
 * fraction digits) or nanoseconds since the epoch as a decimal string. Returns ns as bigint.
 */
export function parseTime(v: string | undefined, field: string, fallback: bigint): bigint {
  if (v === undefined || v === '') return fallback;
  if (/^[0-9]{1,19}$/.test(v)) return BigInt(v);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) {
    throw new TracehoundError('TH_ERR_INVALID_INPUT', `${field}: expected ISO 8601 time (e.g. 2026-11-28T22:00:00Z) or nanoseconds since the epoch`, { details: { field } });
  }
  return BigInt(ms) * NS_PER_MS + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

export const nowNs = (): bigint => BigInt(Date.now()) * NS_PER_MS;

export interface TimeRange {
  from: bigint;
  to: bigint;
}

/** `from`/`to` of a request with defaults (the last `defaultMs`), refusing a reversed or too long range. */
export function timeRange(q: { from?: string; to?: string }, defaultMs: number, maxMs?: number): TimeRange {
  const to = parseTime(q.to, 'to', nowNs() + 60_000n * NS_PER_MS);
  const from = parseTime(q.from, 'from', to - BigInt(defaultMs) * NS_PER_MS);
  if (from >= to) throw new TracehoundError('TH_ERR_INVALID_INPUT', 'from: must be before to', { details: { field: 'from' } });
  if (maxMs !== undefined && to - from > BigInt(maxMs) * NS_PER_MS) {
    throw new TracehoundError('TH_ERR_INVALID_INPUT', `from: the range may span at most ${Math.round(maxMs / 86_400_000)} days`, { details: { field: 'from' } });
  }
  return { from, to };
}
