import { readFileSync } from 'node:fs';

/**
 * Kernel timestamps are CLOCK_BOOTTIME. The loader reports realtime − boottime precisely
 * (clock records); until the first one arrives, /proc/uptime (boottime, 10 ms) gives an
 * estimate so that no event is ever stamped 1970.
 */
export function estimateBootOffsetNs(uptimePath = '/proc/uptime'): bigint {
  const up = Number(readFileSync(uptimePath, 'utf8').split(' ')[0]);
  return BigInt(Date.now()) * 1_000_000n - BigInt(Math.round(up * 1e9));
}
