import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, composeSchema, createRegistry, indexDefinitions, registerWithRetry } from '../src/index.js';

t.test('an unreachable registry is retried with backoff, then named in the error', async (t) => {
  const url = 'http://127.0.0.1:1/apis/ccompat/v7';
  const codec = new RecordCodec(createRegistry(url), 'tracehound.Event');
  const tries: number[] = [];
  const err = await registerWithRetry(codec, 'x-value', url, silentLogger(), {
    initialDelayMs: 10, maxDelayMs: 20, deadlineMs: 1_000, onRetry: (_e, attempt) => tries.push(attempt),
  }).catch((e: unknown) => e);
  t.match(err, { code: 'TH_ERR_DEADLINE', message: /registering tracehound.Event under subject x-value/ });
  t.ok(tries.length >= 2, `retried ${tries.length} times`);
});

t.test('a bad schema file or an unknown type reference is named', async (t) => {
  const dir = t.testdir();
  writeFileSync(join(dir, 'Broken.avsc'), '{ "type": "record", "name": ');
  t.throws(() => indexDefinitions(dir), { code: 'TH_ERR_SCHEMA', message: /Broken\.avsc is not valid JSON/ });
  const dir2 = join(dir, 'b');
  mkdirSync(dir2);
  writeFileSync(join(dir2, 'A.avsc'), JSON.stringify({ type: 'record', name: 'A', namespace: 'tracehound', fields: [{ name: 'b', type: 'tracehound.Missing' }] }));
  t.throws(() => composeSchema('tracehound.A', indexDefinitions(dir2)), { code: 'TH_ERR_SCHEMA', message: /unknown Avro type tracehound.Missing/ });
  t.throws(() => composeSchema('tracehound.Nope'), { message: /no Avro definition named tracehound.Nope/ });
});
