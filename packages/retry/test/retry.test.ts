import t from 'tap';
import { TracehoundError } from '@tracehound/errors';
import { retry, backoffDelay } from '../src/index.js';

const fast = { initialDelayMs: 1, maxDelayMs: 5, deadlineMs: 2_000 };

t.test('retries retriable errors until success', async (t) => {
  let calls = 0;
  const seen: number[] = [];
  const v = await retry(async () => {
    calls++;
    if (calls < 4) throw new TracehoundError('TH_ERR_UNREACHABLE', 'not yet');
    return 'ok';
  }, { ...fast, onRetry: (_e, attempt) => seen.push(attempt) });
  t.equal(v, 'ok');
  t.equal(calls, 4);
  t.same(seen, [1, 2, 3]);
});

t.test('does not retry a non-retriable error', async (t) => {
  let calls = 0;
  await t.rejects(retry(async () => {
    calls++;
    throw new TracehoundError('TH_ERR_CONFIG', 'wrong');
  }, fast), { code: 'TH_ERR_CONFIG' });
  t.equal(calls, 1);
});

t.test('stops at the deadline with TH_ERR_DEADLINE carrying the last error', async (t) => {
  const started = Date.now();
  const err = await retry(async () => {
    throw new TracehoundError('TH_ERR_TIMEOUT', 'slow');
  }, { initialDelayMs: 20, maxDelayMs: 20, deadlineMs: 150, jitter: 0 }).catch((e: unknown) => e);
  t.match(err, { code: 'TH_ERR_DEADLINE' });
  t.match((err as Error).message, /slow/);
  t.ok(Date.now() - started < 1_000);
});

t.test('backoff grows, is capped and jittered within bounds', async (t) => {
  const o = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };
  t.equal(backoffDelay(1, o, () => 1), 100);
  t.equal(backoffDelay(1, o, () => 0), 50);
  t.equal(backoffDelay(3, o, () => 1), 400);
  t.equal(backoffDelay(10, o, () => 1), 1_000);
});
