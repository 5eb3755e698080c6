import t from 'tap';
import { TracehoundError, isRetriable, isTracehoundError, ERROR_CODES } from '../src/index.js';

t.test('codes carry their default retriable flag and can be overridden', async (t) => {
  const e = new TracehoundError('TH_ERR_UNREACHABLE', 'broker down');
  t.equal(e.retriable, true);
  t.equal(isRetriable(e), true);
  const f = new TracehoundError('TH_ERR_UNREACHABLE', 'broker refused auth', { retriable: false });
  t.equal(isRetriable(f), false);
  t.equal(isRetriable(new Error('plain')), false, 'unknown errors are not retried');
  t.equal(isRetriable({ retriable: true }), true, 'kafkajs-style errors with a retriable flag are honoured');
});

t.test('cause and details are kept', async (t) => {
  const cause = new Error('ECONNREFUSED');
  const e = new TracehoundError('TH_ERR_CONFIG', 'bad', { cause, details: { variable: 'X' } });
  t.equal(e.cause, cause);
  t.same(e.details, { variable: 'X' });
  t.ok(isTracehoundError(e, 'TH_ERR_CONFIG'));
  t.notOk(isTracehoundError(e, 'TH_ERR_KAFKA'));
  for (const code of Object.keys(ERROR_CODES)) t.match(code, /^TH_ERR_[A-Z_]+$/);
});
