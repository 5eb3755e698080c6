import { randomBytes } from 'node:crypto';
import t from 'tap';
import kafkajs from 'kafkajs';
import { murmur2Partitioner } from '../src/partitioner.js';

const { Partitioners } = kafkajs;

t.test('keyed messages go to the partition kafkajs\'s default partitioner picks (murmur2, as Java clients)', async (t) => {
  const ours = murmur2Partitioner();
  const theirs = Partitioners.DefaultPartitioner();
  const keys: Array<Buffer | string> = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', '6f1e0b9a-0c4d-4c39-9d53-0c1c7b1f6b2e', 'node-7/3f9c0d2e1b', 'é', 'ü-ß-日本'];
  for (let i = 0; i < 2_000; i++) keys.push(randomBytes(i % 97));
  let differ = 0;
  for (const partitions of [1, 3, 6, 7, 64]) {
    const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
    for (const key of keys) {
      const args = { topic: 't', partitionMetadata, message: { key, value: null } };
      if (ours(args) !== theirs(args)) differ++;
    }
  }
  t.equal(differ, 0, `${keys.length * 5} keys × partition counts, none placed differently`);
});

t.test('a named partition is kept; keyless messages are spread as by kafkajs', async (t) => {
  const ours = murmur2Partitioner();
  const partitionMetadata = Array.from({ length: 4 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
  t.equal(ours({ topic: 't', partitionMetadata, message: { key: 'k', value: null, partition: 3 } }), 3);
  const seen = new Set<number>();
  for (let i = 0; i < 8; i++) seen.add(ours({ topic: 't', partitionMetadata, message: { key: null, value: null } }));
  t.equal(seen.size, 4, 'round robin over the partitions');
});
