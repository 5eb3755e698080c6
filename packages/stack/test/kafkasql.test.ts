import t from 'tap';
import { CCOMPAT_PATH, stackDown, stackUp } from '../src/index.js';
import { processesMentioning, stackSettings } from './fixtures/stack.js';

const s = stackSettings(t, {
  TRACEHOUND_KAFKA_PORT: '39092',
  TRACEHOUND_KAFKA_CONTROLLER_PORT: '39093',
  TRACEHOUND_REGISTRY_PORT: '38081',
  TRACEHOUND_REGISTRY_STORAGE: 'kafkasql',
});
const registry = `http://127.0.0.1:38081${CCOMPAT_PATH}`;
const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
const schema = JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'Kept', fields: [{ name: 'a', type: 'long' }] }) });

t.test('integration: with kafkasql storage, schemas survive a restart of the whole stack', async (t) => {
  await stackUp(s);
  const res = await fetch(`${registry}/subjects/kept-value/versions`, { method: 'POST', headers, body: schema });
  t.equal(res.status, 200);
  const { id } = (await res.json()) as { id: number };
  await fetch(`${registry}/config/kept-value`, { method: 'PUT', headers, body: JSON.stringify({ compatibility: 'FORWARD' }) });
  await stackDown(s);
  t.same(processesMentioning(s.dataDir), []);

  // The jars are cached now: a broken mvn proves the restart never calls Maven.
  const again = await stackUp({ ...s, mvn: '/nonexistent/mvn' });
  t.same(again.components.map((c) => c.action), ['started', 'started']);
  t.same(await (await fetch(`${registry}/subjects`)).json(), ['kept-value']);
  const latest = (await (await fetch(`${registry}/subjects/kept-value/versions/latest`)).json()) as { id: number };
  t.equal(latest.id, id);
  t.same(await (await fetch(`${registry}/config/kept-value`)).json(), { compatibilityLevel: 'FORWARD' });
});
