import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readPid, writePid } from '@tracehound/stack';
import { assertWritableDir, claimDataDir, up } from '../src/index.js';

/** A port that something listens on, for the life of the test. */
async function takenPort(t: Test): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (free now; good enough for "nothing answers here"). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const dataDir = (t: Test) => {
  const d = mkdtempSync(join(tmpdir(), 'th-up-bad-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

/** An environment where no stack answers, so `up` would have to start one. */
async function noStack(dir: string, extra: Record<string, string> = {}) {
  const kafka = await freePort();
  return {
    TRACEHOUND_DATA_DIR: dir,
    TRACEHOUND_KAFKA_BROKERS: `127.0.0.1:${kafka}`,
    TRACEHOUND_KAFKA_PORT: String(kafka),
    TRACEHOUND_KAFKA_CONTROLLER_PORT: String(await freePort()),
    TRACEHOUND_REGISTRY_PORT: String(await freePort()),
    TRACEHOUND_REGISTRY_URL: `http://127.0.0.1:${await freePort()}/apis/ccompat/v7`,
    TRACEHOUND_API_PORT: '0',
    TRACEHOUND_AGENT_HTTP_PORT: '0',
    TRACEHOUND_LOG_LEVEL: 'silent',
    ...extra,
  };
}

const quiet = () => undefined;

t.test('a data dir that cannot be written: a clear error naming TRACEHOUND_DATA_DIR, before anything starts', async (t) => {
  const dir = dataDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  t.throws(() => assertWritableDir(join(file, 'data')), { code: 'TH_ERR_CONFIG', message: /TRACEHOUND_DATA_DIR: .*a-file\/data is not a writable directory \(ENOTDIR\)/ });
  await t.rejects(up({ env: await noStack(join(file, 'data')), out: quiet }), { code: 'TH_ERR_CONFIG', message: /TRACEHOUND_DATA_DIR/ });
});

t.test('a taken API port: a clear error naming the port and its variable; no pid file, no stack', async (t) => {
  const dir = dataDir(t);
  const port = await takenPort(t);
  const env = await noStack(dir, { TRACEHOUND_API_PORT: String(port) });
  await t.rejects(up({ env, out: quiet }), { code: 'TH_ERR_STACK', message: new RegExp(`port ${port} .*the API and UI.*TRACEHOUND_API_PORT`) });
  t.notOk(existsSync(join(dir, 'run', 'platform.pid')), 'no pid file left');
  t.notOk(existsSync(join(dir, 'run', 'kafka.pid')), 'no stack started');
});

t.test('Java missing: the stack is not started, the message says what to install, nothing is left behind', async (t) => {
  const dir = dataDir(t);
  await t.rejects(up({ env: await noStack(dir, { TRACEHOUND_JAVA: '/nonexistent/java' }), out: quiet }), { code: 'TH_ERR_MISSING_TOOL', message: /Java 17 or newer.*apt-get install openjdk-17-jre-headless/ });
  t.notOk(existsSync(join(dir, 'run', 'platform.pid')), 'the data dir is released again');
  t.notOk(existsSync(join(dir, 'run', 'kafka.pid')));
});

t.test('Maven missing with nothing downloaded yet: a clear error, nothing started', async (t) => {
  const dir = dataDir(t);
  const env = await noStack(dir, { TRACEHOUND_MVN: '/nonexistent/mvn', TRACEHOUND_CACHE_DIR: join(dir, 'empty-cache') });
  await t.rejects(up({ env, out: quiet }), { code: 'TH_ERR_MISSING_TOOL', message: /Maven/ });
  t.notOk(existsSync(join(dir, 'run', 'platform.pid')));
  t.notOk(existsSync(join(dir, 'run', 'kafka.pid')));
});

t.test('one tracehound up per data dir: a live one is named; a crashed one\'s pid file is cleared', async (t) => {
  const dir = dataDir(t);
  // A process whose command line looks like `tracehound up`.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', '/opt/tracehound/bin/tracehound.js', 'up'], { stdio: 'ignore' });
  t.teardown(() => other.kill('SIGKILL'));
  await sleep(200);
  writePid(join(dir, 'run', 'platform.pid'), other.pid!);
  t.throws(() => claimDataDir(dir), { code: 'TH_ERR_CONFLICT', message: new RegExp(`already runs on .* \\(pid ${other.pid}\\)`) });
  await t.rejects(up({ env: await noStack(dir), out: quiet }), { code: 'TH_ERR_CONFLICT' });
  t.equal(readPid(join(dir, 'run', 'platform.pid')), other.pid, 'the live owner keeps its pid file');

  // It had started the stack and recorded so; then it crashes.
  writeFileSync(join(dir, 'run', 'platform-started.json'), '{"stack":["kafka","registry"],"kube":[]}\n');
  other.kill('SIGKILL');
  await new Promise((r) => other.once('exit', r));
  const claim = claimDataDir(dir);
  t.equal(claim.stale, other.pid, 'the crashed run is reported');
  t.same(claim.left, { stack: ['kafka', 'registry'], kube: [] }, 'with what it had started, for this run to stop at exit');
  claim.record({ stack: [], kube: [] });
  t.equal(readPid(join(dir, 'run', 'platform.pid')), process.pid);
  claim.release();
  t.notOk(existsSync(join(dir, 'run', 'platform.pid')));
  t.notOk(existsSync(join(dir, 'run', 'platform-started.json')), 'a clean exit leaves no record behind');
  t.same(claimDataDir(dir).left, { stack: [], kube: [] }, 'nothing left after a clean exit');
});
