import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Event ids are derived from what identifies a kernel event on one host — the boot, the
 * monotonic timestamp, the thread and the event type — so the id is fixed the moment the record
 * is read, is carried unchanged through the spool and every retry, and never collides across
 * nodes or reboots. Storage and alerts deduplicate on it.
 */
export function hostPrefix(node: string, bootIdPath = '/proc/sys/kernel/random/boot_id'): string {
  let bootId: string;
  try {
    bootId = readFileSync(bootIdPath, 'utf8').trim();
  } catch {
    bootId = String(process.pid);
  }
  return createHash('sha256').update(`${node}\0${bootId}`).digest('hex').slice(0, 12);
}

export function eventId(prefix: string, monotonicNs: bigint, tid: number, type: number): string {
  return `${prefix}-${monotonicNs.toString(16).padStart(16, '0')}-${(tid >>> 0).toString(16).padStart(8, '0')}-${type.toString(16).padStart(2, '0')}`;
}
