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

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * The id of a kernel event: `<prefix>-<monotonic ns, 16 hex>-<tid, 8 hex>-<type, 2 hex>`. Returns a
 * function that writes it into one reusable buffer and makes one string of it (the agent names
 * every event: a string per hex field, its padding and their joins were ~360 bytes of garbage each).
 */
export function eventIds(prefix: string): (monotonicNs: bigint, tid: number, type: number) => string {
  const at = prefix.length + 1;
  const buf = Buffer.alloc(at + 28, '-', 'latin1');
  buf.write(prefix, 0, 'latin1');
  const split = new DataView(new ArrayBuffer(8));
  const hex = (v: number, end: number, digits: number) => {
    for (let i = end - 1; i >= end - digits; i--, v >>>= 4) buf[i] = HEX[v & 15]!;
  };
  return (monotonicNs, tid, type) => {
    if (type > 0xff || type < 0) return eventId(prefix, monotonicNs, tid, type);
    split.setBigUint64(0, monotonicNs);
    hex(split.getUint32(0), at + 8, 8);
    hex(split.getUint32(4), at + 16, 8);
    hex(tid >>> 0, at + 25, 8);
    hex(type, at + 28, 2);
    return buf.toString('latin1');
  };
}

/** The same id, the plain way (and for a type past two hex digits). */
export function eventId(prefix: string, monotonicNs: bigint, tid: number, type: number): string {
  return `${prefix}-${monotonicNs.toString(16).padStart(16, '0')}-${(tid >>> 0).toString(16).padStart(8, '0')}-${type.toString(16).padStart(2, '0')}`;
}
