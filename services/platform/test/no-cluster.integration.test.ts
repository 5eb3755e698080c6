import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@tracehound/config';
import { testKafka } from '@tracehound/testkit';
import { containerEvent, containerId, enrichedReader, hostEvent, memoryLogger, rawSender } from '../../enricher/test/helpers.js';
import { PlatformProcessConfig, startPlatform } from '../src/index.js';
import { enricher } from '../src/hosted/enricher.js';

t.test('without TRACEHOUND_KUBECONFIG the hosted enricher marks events host/unresolved at once, and logs nothing about a cluster (integration)', async (t) => {
  const tk = await testKafka('platform-no-cluster', ['eventsRaw', 'eventsEnriched', 'deadLetter'], 2);
  const dataDir = mkdtempSync(join(tmpdir(), 'th-platform-nc-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string | undefined> = { ...process.env, TRACEHOUND_DATA_DIR: dataDir, TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_TOPIC_PARTITIONS: '2', TRACEHOUND_ENRICHER_GROUP: `${tk.prefix}.enricher` };
  delete env.TRACEHOUND_KUBECONFIG;
  const cfg = loadConfig(PlatformProcessConfig, env);
  const { logger, lines } = memoryLogger();
  const platform = await startPlatform(cfg, { logger, services: [enricher] });
  t.teardown(() => platform.close());
  t.same(platform.details().enricher, { synced: true, pods: platform.details().enricher!.pods, namespaces: 0, owners: 0, cluster: 'none' }, 'synced against no cluster at once');

  const raw = await rawSender(tk.kafka, tk.prefix, tk.registryUrl);
  const out = await enrichedReader(tk.kafka, tk.prefix, tk.registryUrl);
  t.teardown(async () => {
    await raw.close();
    await out.close();
  });
  const t0 = Date.now();
  await raw.send([containerEvent('nc-container', containerId(), randomUUID()), hostEvent('nc-host')]);
  const c = await out.waitFor('nc-container');
  const h = await out.waitFor('nc-host');
  t.equal(c.event.enrichment, 'unresolved');
  t.equal(h.event.enrichment, 'host');
  t.ok(Date.now() - t0 < 4_000, `not held for a pod that cannot appear (${Date.now() - t0} ms; the hold is 5 s)`);
  const noisy = lines.filter((l) => Number(l.level) >= 40 && String(l.component ?? '') !== 'kafkajs' && !String(l.logger ?? '').includes('kafkajs'));
  t.same(noisy.map((l) => l.msg), [], 'no warnings or errors about the missing cluster');
});
