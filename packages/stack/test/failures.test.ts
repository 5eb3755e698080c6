import t from 'tap';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { layout, stackStatus, stackUp } from '../src/index.js';
import { processesMentioning, stackSettings } from './fixtures/stack.js';

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

t.test('a taken Kafka port is named at once, and nothing is started', async (t) => {
  const { server, port } = await occupy();
  t.teardown(() => server.close());
  const s = stackSettings(t, { TRACEHOUND_KAFKA_PORT: String(port), TRACEHOUND_KAFKA_CONTROLLER_PORT: '49093', TRACEHOUND_REGISTRY_PORT: '48081' });
  const t0 = Date.now();
  await t.rejects(stackUp(s), { code: 'TH_ERR_STACK', message: new RegExp(`port ${port} on 127\\.0\\.0\\.1, needed for the Kafka client listener, is already in use.*TRACEHOUND_KAFKA_PORT`) });
  t.ok(Date.now() - t0 < 5000, 'fails fast, not at a readiness deadline');
  t.notOk(existsSync(layout(s).pidFile('kafka')));
  t.same(processesMentioning(s.dataDir), []);
});

t.test('a taken registry port is found before Kafka starts', async (t) => {
  const { server, port } = await occupy();
  t.teardown(() => server.close());
  const s = stackSettings(t, { TRACEHOUND_KAFKA_PORT: '49092', TRACEHOUND_KAFKA_CONTROLLER_PORT: '49093', TRACEHOUND_REGISTRY_PORT: String(port) });
  await t.rejects(stackUp(s), { code: 'TH_ERR_STACK', message: new RegExp(`port ${port} .*schema registry.*TRACEHOUND_REGISTRY_PORT`) });
  t.same(processesMentioning(s.dataDir), [], 'Kafka was not started');
});

t.test('integration: a JVM dying at start-up is reported with its log, and rolled back', async (t) => {
  const s = stackSettings(t, { TRACEHOUND_KAFKA_PORT: '49092', TRACEHOUND_KAFKA_CONTROLLER_PORT: '49093', TRACEHOUND_REGISTRY_PORT: '48081', TRACEHOUND_REGISTRY_HEAP: '1m' });
  await t.rejects(stackUp(s), { code: 'TH_ERR_STACK', message: /registry \(pid \d+\) exited during start-up \(exit code 1[\s\S]*registry\.log[\s\S]*Too small maximum heap/ });
  t.same(processesMentioning(s.dataDir), [], 'the Kafka broker this call started was stopped again');
  t.same((await stackStatus(s)).map((c) => c.state), ['stopped', 'stopped']);
});
