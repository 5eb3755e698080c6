import t from 'tap';
import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { CoalescedCommits } from '../src/commits.js';

t.test('commits asked for in one event-loop turn leave as one request; each caller settles with its request', async (t) => {
  const sent: TopicPartitionOffsetAndMetadata[][] = [];
  let fail = false;
  const commits = new CoalescedCommits(async (offsets) => {
    sent.push(offsets);
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error('coordinator moved');
  });
  await Promise.all([0, 1, 2, 3, 4, 5].map((p) => commits.commit('t', p, String(10 + p))));
  t.same(sent, [[0, 1, 2, 3, 4, 5].map((p) => ({ topic: 't', partition: p, offset: String(10 + p) }))], 'six partitions, one request');
  const first = commits.commit('t', 0, '20');
  await new Promise((r) => setImmediate(r));
  const second = commits.commit('t', 1, '21');
  await Promise.all([first, second]);
  t.same(sent.slice(1).map((o) => o.map((x) => x.partition)), [[0], [1]], 'a later turn: a request of its own');
  fail = true;
  const failed = await Promise.allSettled([commits.commit('t', 2, '30'), commits.commit('t', 3, '31')]);
  t.same(failed.map((r) => r.status), ['rejected', 'rejected'], 'a failed request fails every commit it carried');
  fail = false;
  await commits.commit('t', 2, '30');
  t.same(sent[sent.length - 1], [{ topic: 't', partition: 2, offset: '30' }], 'the next request carries only what was asked after');
});
