/**
 * Nanosecond timestamps travel as bigint in records, as `DateTime64(9, 'UTC')` in ClickHouse, and
 * as decimal strings of ns since the epoch in JSON. Writers send `YYYY-MM-DD hh:mm:ss.nnnnnnnnn`
 * (UTC): a bare decimal is ambiguous to ClickHouse's parser for small values.
 */
export function nsToClickHouse(ns: bigint): string {
  const iso = nsToIso(ns);
  return `${iso.slice(0, 10)} ${iso.slice(11, 29)}`;
}

/** ISO 8601 with all nine fraction digits, e.g. 2025-11-28T22:00:00.123456789Z. */
export function nsToIso(ns: bigint | string): string {
  const v = BigInt(ns);
  const ms = v / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // …ss.mmmZ
  const frac = (((v % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** Milliseconds since the epoch as a `DateTime64(3, 'UTC')` value. */
export function msToClickHouse(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** A `DateTime64(3, 'UTC')` as ClickHouse prints it, back to milliseconds. */
export const clickHouseToMs = (s: string): number => Date.parse(`${s.replace(' ', 'T')}Z`);
