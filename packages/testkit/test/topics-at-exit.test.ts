import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createKafka } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { stackConfig } from '../src/index.js';

const run = promisify(execFile);
const ENTRY = fileURLToPath(new URL('./fixtures/make-topics.ts', import.meta.url));

async function topicsOf(prefix: string): Promise<string[]> {
  const admin = createKafka({ brokers: stackConfig().TRACEHOUND_KAFKA_BROKERS, clientId: 'test-topics-at-exit', logger: silentLogger() }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((n) => n.startsWith(`${prefix}.`));
  } finally {
    await admin.disconnect();
  }
}

t.test('the topics a process made under its unique prefixes are deleted when it is done (real broker)', async (t) => {
  // The child makes two prefixes' topics, checks they exist, prints the prefixes and ends on its own.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ENTRY], { cwd: process.cwd(), timeout: 120_000 });
  const made = JSON.parse(stdout.trim().split('\n').pop()!) as { prefixes: string[]; topics: number };
  t.equal(made.prefixes.length, 2);
  t.ok(made.topics >= 2, `the child saw its ${made.topics} topics while it ran`);
  for (const prefix of made.prefixes) t.same(await topicsOf(prefix), [], `none left under ${prefix}`);
});

t.test('a broker that cannot be reached does not fail or hold a finished process', async (t) => {
  const started = Date.now();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ENTRY, 'no-broker'], { cwd: process.cwd(), timeout: 60_000, env: { ...process.env, TRACEHOUND_KAFKA_BROKERS: '127.0.0.1:1' } });
  t.match(stdout, /"prefixes"/, 'ran to its end');
  t.ok(Date.now() - started < 30_000, `exited after ${Date.now() - started} ms`);
});
