import t from 'tap';
import { silentLogger } from '@tracehound/logging';
import { waitForKafka } from '../src/index.js';

t.test('an unreachable broker is retried with backoff, then named in the error', async (t) => {
  const brokers = '127.0.0.1:1';
  const tries: number[] = [];
  const err = await waitForKafka({ brokers, clientId: 'test', logger: silentLogger(), connectionTimeoutMs: 200 }, { initialDelayMs: 10, maxDelayMs: 20, deadlineMs: 1_500, onRetry: (_e, a) => tries.push(a) }).catch((e: unknown) => e);
  t.match(err, { code: 'TH_ERR_DEADLINE', message: /Kafka at 127\.0\.0\.1:1 is not reachable/ });
  t.ok(tries.length >= 2, `retried ${tries.length} times`);
});
