import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@tracehound/config';
import { registry } from '@tracehound/metrics';
import { eventually, metricValue, testKafka } from '@tracehound/testkit';
import { containerEvent, containerId, hostEvent, memoryLogger, rawSender } from '../../enricher/test/helpers.js';
import { PlatformProcessConfig, startPlatform, type HostedService } from '../src/index.js';
import { api } from '../src/hosted/api.js';
import { detector } from '../src/hosted/detector.js';
import { enricher } from '../src/hosted/enricher.js';
import { sink } from '../src/hosted/sink.js';
import { dies, probe, probe2, refuses } from './fixtures/threaded.js';
import { isNodeThread, lowerThread, processThreads } from '../src/threads/engine-priority.js';

// The all-in-one process with its stages in worker threads: where each runs, what a failing
// worker does to the rest, and that the workers' metrics and status reach the main thread.

// One data dir for the whole file: chDB keeps one engine per process, on the first path it opened.
// Outside tap's fixture dirs: tap removes those before teardowns run.
const dataDir = mkdtempSync(join(tmpdir(), 'th-platform-threads-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

function settings(extra: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.TRACEHOUND_KUBECONFIG;
  delete env.TRACEHOUND_UP_THREADS;
  return loadConfig(PlatformProcessConfig, { ...env, TRACEHOUND_DATA_DIR: dataDir, TRACEHOUND_API_PORT: '0', TRACEHOUND_LOG_LEVEL: 'info', ...extra });
}

async function start(t: Test, services: HostedService[], extra: Record<string, string> = {}) {
  const { logger, lines } = memoryLogger();
  const platform = await startPlatform(settings(extra), { logger, services });
  t.teardown(() => platform.close());
  return { platform, lines };
}

const threadAlive = (tid: number | undefined) => tid !== undefined && existsSync(`/proc/self/task/${tid}`);
const messages = (lines: Array<Record<string, unknown>>) => lines.map((l) => String(l.msg));
const order = (lines: Array<Record<string, unknown>>, ...msgs: string[]) => msgs.map((m) => messages(lines).indexOf(m));

t.test('the real pipeline across threads: enricher and detector in workers, sink and API on the main thread; their metrics at the API\'s /metrics (integration)', async (t) => {
  const tk = await testKafka('platform-threads', undefined, 2);
  const extra = {
    TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_TOPIC_PARTITIONS: '2', TRACEHOUND_ENRICHER_GROUP: `${tk.prefix}.enricher`,
    TRACEHOUND_DETECTOR_GROUP_ID: `${tk.prefix}.detector`, TRACEHOUND_SINK_GROUP_ID: `${tk.prefix}.sink`, TRACEHOUND_SINK_MAX_WAIT_MS: '200',
  };
  const { platform, lines } = await start(t, [api, sink, detector, enricher], extra);
  t.teardown(() => {
    if (t.passing()) return;
    for (const l of lines.filter((x) => Number(x.level) >= 40)) t.comment(JSON.stringify(l).slice(0, 400));
  });
  t.same(platform.services.map((s) => `${s.name}:${s.threadId ? 'worker' : 'main'}`), ['api:main', 'sink:main', 'detector:worker', 'enricher:worker']);
  t.ok((platform.details().detector as { rules: number }).rules > 0, 'the detector\'s status (rules in force) comes from its worker');

  const raw = await rawSender(tk.kafka, tk.prefix, tk.registryUrl);
  t.teardown(() => raw.close());
  const ids = [randomUUID(), randomUUID()];
  await raw.send([containerEvent(ids[0]!, containerId(), randomUUID()), hostEvent(ids[1]!)]);
  const scrape = async () => (await fetch(`${platform.url}/metrics`)).text();
  // Across the threads: enriched in one worker, evaluated in another, handed to the sink on this one.
  const text = await eventually(async () => {
    const s = await scrape();
    // The sink counts a record consumed once its offset is committed, after its row is stored.
    const sinkConsumed = /^tracehound_kafka_consumed_total\{group="[^"]+\.sink",topic="[^"]+\.events\.enriched"\} 2$/m;
    return /^tracehound_detector_events_total\{[^}]*\} 2$/m.test(s) && /^tracehound_sink_rows_total\{table="events"\} 2$/m.test(s) && sinkConsumed.test(s) ? s : undefined;
  }, 60_000, 'the detector\'s and the sink\'s counts at /metrics');
  t.match(text, /^tracehound_enricher_events_total\{outcome="unresolved"\} 1$/m, 'the enricher\'s counts, from its worker');
  t.match(text, /^tracehound_enricher_events_total\{outcome="host"\} 1$/m);
  t.match(text, /^tracehound_kafka_consumed_total\{group="[^"]+\.sink",topic="[^"]+\.events\.enriched"\} 2$/m, 'and the sink\'s, from the main thread');
  const own = await registry.getSingleMetric('tracehound_enricher_events_total')?.get();
  t.same(own?.values ?? [], [], 'the main thread enriched nothing itself');
});

t.test('threadable entries run each in a worker thread of their own, and stop in reverse order with their threads gone', async (t) => {
  const { platform, lines } = await start(t, [probe, probe2]);
  const [a, b] = platform.services;
  t.ok(a!.threadId && b!.threadId && a!.threadId !== b!.threadId, `two worker threads (${a!.threadId}, ${b!.threadId})`);
  t.same(platform.details().probe, { isMainThread: false, threadId: a!.threadId, tid: a!.tid }, 'the service reports, from inside, the worker thread the platform names');
  t.not(a!.tid, process.pid, 'not the main thread');
  t.ok(threadAlive(a!.tid) && threadAlive(b!.tid), 'both threads exist in this process');
  t.ok(platform.ready(), 'ready, as the workers report');
  await platform.close();
  const [closing2, closing1, stopped2, stopped1] = order(lines, 'probe2 closing', 'probe closing', 'probe2 stopped', 'probe stopped');
  t.ok(closing2! >= 0 && closing2! < closing1! && stopped2! < stopped1!, 'reverse start order; their log lines reach the main thread\'s logger');
  t.match(lines.find((l) => l.msg === 'probe closing'), { component: 'probe', isMainThread: false }, 'a worker\'s line keeps its fields and the service\'s name');
  t.notOk(threadAlive(a!.tid) || threadAlive(b!.tid), 'no thread left after close');
});

t.test('the embedded engine\'s threads run TRACEHOUND_UP_ENGINE_NICE (10 by default) nice steps below the worker threads, also threads the engine starts later, and the main thread TRACEHOUND_UP_STORAGE_NICE (5) below them (real chDB)', async (t) => {
  const before = getPriority();
  const lower = Math.min(19, before + 10);
  const { platform, lines } = await start(t, [probe, probe2]);
  const workers = platform.services.map((s) => s.tid!);
  t.match(lines.find((l) => /^embedded ClickHouse threads at nice \d+, 10 below the rest/.test(String(l.msg))), { nice: lower }, 'said at start');
  // A query that fans out over the engine's pool: threads it may start now are lowered by the next pass.
  await platform.clickhouse.query({ query: 'SELECT sum(number) FROM numbers(20000000) SETTINGS max_threads = 4', format: 'JSONEachRow' }).then((r) => r.json());
  const engine = await eventually(() => {
    const all = processThreads();
    const eng = all.filter((x) => !isNodeThread(x.comm));
    return eng.length > 0 && eng.every((x) => x.nice === lower) ? { all, eng } : undefined;
  }, 5_000, `every engine thread at nice ${lower}`);
  t.ok(engine.eng.length >= 3, `${engine.eng.length} engine threads (${[...new Set(engine.eng.map((x) => x.comm))].join(', ')})`);
  const js = engine.all.filter((x) => workers.includes(x.tid));
  t.equal(js.length, 2, 'both workers');
  t.same(js.map((x) => x.nice), [before, before], `worker threads keep the process's nice value (${before})`);
  t.equal(engine.all.find((x) => x.tid === process.pid)?.nice, before + 5, 'the main thread (sink, API) runs TRACEHOUND_UP_STORAGE_NICE (5) below them');
  t.match(lines.find((l) => /^main thread \(sink, API\) at nice \d+, 5 below the worker threads/.test(String(l.msg))), { nice: before + 5 }, 'said at start');
  await platform.close();
  t.equal(getPriority(process.pid), before, 'given back at close (the tests run as root)');
});

t.test('TRACEHOUND_UP_STORAGE_NICE=0 leaves the main thread as it is; so do TRACEHOUND_UP_THREADS=one and a platform without workers', async (t) => {
  const before = getPriority(process.pid);
  for (const [extra, services] of [[{ TRACEHOUND_UP_STORAGE_NICE: '0' }, [probe]], [{ TRACEHOUND_UP_THREADS: 'one' }, [probe]], [{}, []]] as const) {
    const { platform, lines } = await start(t, [...services], extra);
    t.equal(getPriority(process.pid), before, `${JSON.stringify(extra)}, ${services.length} services: main thread at ${before}`);
    t.notOk(lines.some((l) => /^main thread \(sink, API\)/.test(String(l.msg))), 'nothing said');
    await platform.close();
  }
});

t.test('a thread that ended before its priority was set is skipped, not an error that stops the passes', async (t) => {
  const gone = Math.max(...readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) + 100_000;
  t.equal(lowerThread(gone, 10), false);
  t.throws(() => lowerThread(process.pid, -100), 'other refusals are thrown');
});

t.test('TRACEHOUND_UP_THREADS=one keeps every service on the main thread', async (t) => {
  const { platform } = await start(t, [probe], { TRACEHOUND_UP_THREADS: 'one' });
  t.equal(platform.services[0]!.threadId, 0);
  t.match(platform.details().probe, { isMainThread: true, threadId: 0, tid: process.pid });
});

t.test("a worker's metrics are in what the process registry serves while it runs, and leave with it", async (t) => {
  const { platform } = await start(t, [probe]);
  // The main thread's own count (other tests may have run the probe here).
  const own = () => metricValue('tracehound_test_probe_starts_total', { name: 'probe' });
  const served = async () => Number(/^tracehound_test_probe_starts_total\{name="probe"\} (\d+)$/m.exec(await registry.metrics())?.[1] ?? 0);
  const before = await own();
  t.equal(await served(), before + 1, 'the worker\'s start is counted in what is served, not on the main thread');
  await platform.close();
  t.equal(await served(), before, 'gone with the worker');
});

t.test('a worker that fails to start: its own error (code and reason) is thrown, the ones started are stopped, no thread left', async (t) => {
  const { logger, lines } = memoryLogger();
  await t.rejects(startPlatform(settings(), { logger, services: [probe, refuses] }), { code: 'TH_ERR_CONFIG', message: 'TRACEHOUND_TEST_SETTING: refused to start (the test asks it to)' });
  const closing = lines.find((l) => l.msg === 'probe closing');
  t.ok(closing, 'the probe started before it was closed again');
  t.notOk(threadAlive(Number(closing?.tid)), 'its thread is gone');
});

t.test('a worker that dies while running: the failure names the service and the reason; the rest stop in reverse order', async (t) => {
  const { platform, lines } = await start(t, [probe, probe2, dies]);
  const tids = platform.services.map((s) => s.tid);
  const err = await platform.failure;
  t.match(err.message, /^dies failed in its worker thread: boom: the test service died$/);
  t.notOk(platform.ready(), 'not ready any more');
  t.match(lines.find((l) => Number(l.level) === 50), { service: 'dies', msg: /dies failed in its worker thread: boom.*stopping the other services/ }, 'logged as an error');
  const [c2, c1] = order(lines, 'probe2 closing', 'probe closing');
  t.ok(c2! >= 0 && c2! < c1!, 'the others stopped, in reverse order');
  t.notOk(tids.some(threadAlive), 'no thread left');
  await platform.close(); // what `up` does on a signal meanwhile: nothing more to do
});
