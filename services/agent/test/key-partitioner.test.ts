import t from 'tap';
import kafkajs, { type PartitionMetadata } from 'kafkajs';
import { cachedKeyPartitioner } from '../src/adapters/key-partitioner.js';

const { Partitioners } = kafkajs;
const meta = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: leaderless.includes(i) ? -1 : 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

t.test('the cached partitioner picks what kafkajs\'s default picks, for every key and partition count', async (t) => {
  const cached = cachedKeyPartitioner();
  const murmur = Partitioners.DefaultPartitioner();
  const keys = Array.from({ length: 500 }, (_, i) => Buffer.from(`node-${i % 7}/${i % 3 ? `container${i.toString(16).padStart(12, '0')}` : 'host'}`));
  let spread = new Set<number>();
  for (const n of [1, 3, 12, 3]) {
    spread = new Set();
    for (let round = 0; round < 2; round++) {
      for (const key of keys) {
        const args = { topic: 'events.raw', partitionMetadata: meta(n), message: { key, value: null } };
        const p = cached(args);
        t.equal(p, murmur(args), `${key} with ${n} partitions${round ? ' (remembered)' : ''}`);
        spread.add(p);
      }
    }
  }
  t.ok(spread.size > 1, 'keys spread over partitions');
});

t.test('a new partition count, a named partition, a leaderless partition or a string key are not taken from memory', async (t) => {
  const cached = cachedKeyPartitioner();
  const murmur = Partitioners.DefaultPartitioner();
  const key = Buffer.from('node-a/host');
  const with3 = cached({ topic: 'x', partitionMetadata: meta(3), message: { key, value: null } });
  const with24 = cached({ topic: 'x', partitionMetadata: meta(24), message: { key, value: null } });
  t.equal(with24, murmur({ topic: 'x', partitionMetadata: meta(24), message: { key, value: null } }));
  t.not(with3, with24, 'the key lands elsewhere once the topic has 24 partitions (as murmur2 says)');
  t.equal(cached({ topic: 'x', partitionMetadata: meta(24), message: { key, value: null, partition: 5 } }), 5);
  // Keyed messages go to their hashed partition whether or not it has a leader (kafkajs's default too).
  t.equal(cached({ topic: 'x', partitionMetadata: meta(24, [with24]), message: { key, value: null } }), with24);
  t.equal(cached({ topic: 'x', partitionMetadata: meta(24), message: { key: 'node-a/host', value: null } }), with24, 'a string key hashes like its bytes');
});
