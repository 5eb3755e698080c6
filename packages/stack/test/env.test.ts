import t from 'tap';
import { join, resolve } from 'node:path';
import { loadStackSettings, withStorage } from '../src/index.js';

t.test('defaults: default ports, cache under the data dir, in-memory registry', async (t) => {
  const s = loadStackSettings({});
  t.equal(s.dataDir, resolve('.data'));
  t.equal(s.cacheDir, join(resolve('.data'), 'cache'));
  t.same([s.kafka.port, s.kafka.controllerPort, s.registry.port], [9092, 9093, 8081]);
  t.equal(s.registry.storage, 'mem');
  t.equal(s.registry.compatibility, 'FULL');
  t.match(s.kafka.version, /^4\./);
});

t.test('variables override defaults and a flag overrides variables', async (t) => {
  const s = loadStackSettings({ TRACEHOUND_DATA_DIR: '/tmp/x', TRACEHOUND_CACHE_DIR: '/tmp/c', TRACEHOUND_REGISTRY_STORAGE: 'kafkasql', TRACEHOUND_KAFKA_PORT: '19092' });
  t.equal(s.cacheDir, '/tmp/c');
  t.equal(s.kafka.port, 19092);
  t.equal(s.registry.storage, 'kafkasql');
  t.equal(withStorage(s, 'mem').registry.storage, 'mem');
  t.equal(withStorage(s, undefined).registry.storage, 'kafkasql');
});

t.test('a wrong value names the variable and the expected form', async (t) => {
  t.throws(() => loadStackSettings({ TRACEHOUND_REGISTRY_STORAGE: 'disk' }), { code: 'TH_ERR_CONFIG', message: /TRACEHOUND_REGISTRY_STORAGE: expected mem \(.*\) or kafkasql/ });
  t.throws(() => loadStackSettings({ TRACEHOUND_KAFKA_HEAP: 'lots' }), { code: 'TH_ERR_CONFIG', message: /TRACEHOUND_KAFKA_HEAP/ });
});
