import kafkajs, { type ICustomPartitioner } from 'kafkajs';

// kafkajs is CommonJS whose named exports Node cannot detect statically.
const { Partitioners } = kafkajs;

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/**
 * murmur2 of the bytes, as Kafka's Java client (and kafkajs's default partitioner) computes it,
 * in 32-bit integer arithmetic. kafkajs computes it with a 64-bit Long object per step: several
 * microseconds per message, a large share of a producing stage's CPU. Only the low 32 bits of
 * those steps reach the result, so Math.imul gives the same value (a test compares the two).
 */
export function murmur2(data: Buffer, length = data.length): number {
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1–3 bytes (Java's switch falls through from 3 to 1).
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * kafkajs's default partitioner (a keyed message goes to murmur2(key) modulo the partition
 * count, as with Java clients, so every producer agrees on a key's partition) with the hash
 * above. Messages that name their partition or have no key go to kafkajs's own.
 */
export const murmur2Partitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  let scratch = Buffer.allocUnsafe(256); // a string key's UTF-8 bytes, without a Buffer per message
  return (args) => {
    const { key, partition } = args.message;
    if ((partition !== undefined && partition !== null) || key === undefined || key === null) return fallback(args);
    let hash: number;
    if (Buffer.isBuffer(key)) {
      hash = murmur2(key);
    } else {
      const text = String(key);
      const bytes = Buffer.byteLength(text);
      if (bytes > scratch.length) scratch = Buffer.allocUnsafe(bytes * 2);
      hash = murmur2(scratch, scratch.write(text));
    }
    return (hash & 0x7fffffff) % args.partitionMetadata.length;
  };
};
