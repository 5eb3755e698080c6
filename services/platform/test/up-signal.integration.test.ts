import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, uniquePrefix } from '@tracehound/testkit';

// `tracehound up` as a user runs it (the stack already up), then Ctrl-C: the services in worker
// threads and on the main thread stop in reverse order, and the process exits by itself, leaving
// no thread or child process behind.
const BIN = fileURLToPath(new URL('../../../bin/tracehound.js', import.meta.url));

/** Pids whose parent is `pid`. */
function children(pid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  }).map(Number);
}

/** A process that exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

t.test('Ctrl-C on tracehound up: every service stops in reverse order, workers included, and the process exits 0 by itself (integration)', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'th-platform-sigint-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const prefix = uniquePrefix('platform-sigint');
  const env: Record<string, string | undefined> = {
    ...process.env, TRACEHOUND_DATA_DIR: dataDir, TRACEHOUND_TOPIC_PREFIX: prefix, TRACEHOUND_TOPIC_PARTITIONS: '1',
    TRACEHOUND_ENRICHER_GROUP: `${prefix}.enricher`, TRACEHOUND_DETECTOR_GROUP_ID: `${prefix}.detector`, TRACEHOUND_SINK_GROUP_ID: `${prefix}.sink`,
    TRACEHOUND_NOTIFIER_GROUP_ID: `${prefix}.notifier`, TRACEHOUND_LOG_LEVEL: 'info',
  };
  delete env.TRACEHOUND_KUBECONFIG;
  delete env.TRACEHOUND_UP_THREADS;
  const up = spawn(process.execPath, [BIN, 'up', '--no-agent', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => up.exitCode === null && up.kill('SIGKILL'));
  let out = '';
  let err = '';
  up.stdout.on('data', (d: Buffer) => (out += d.toString()));
  up.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));

  await eventually(() => (out.includes('Ctrl-C stops everything') ? true : up.exitCode !== null ? Promise.reject(new Error(`up exited ${up.exitCode}: ${err}`)) : undefined), 120_000, 'the banner');
  const state = (name: string) => new RegExp(`^  ${name} +(.*)$`, 'm').exec(out)?.[1];
  t.equal(state('api'), 'running', 'the API on the main thread');
  t.equal(state('sink'), 'running', 'the sink on the main thread');
  for (const name of ['detector', 'enricher', 'notifier']) t.match(state(name), /^running \(worker thread \d+\)$/, `${name} in a worker thread`);
  t.equal(new Set(['detector', 'enricher', 'notifier'].map(state)).size, 3, 'each in its own');
  const kids = children(up.pid!);

  up.kill('SIGINT');
  const t0 = Date.now();
  const code = await exit;
  t.equal(code, 0, `exits 0 by itself (${Date.now() - t0} ms)`);
  const logged = err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; level: number });
  const stopped = logged.map((l) => l.msg).filter((m) => / stopped$/.test(m) && !m.startsWith('tracehound'));
  t.same(stopped, ['notifier stopped', 'enricher stopped', 'detector stopped', 'sink stopped', 'api stopped'], 'reverse start order');
  t.same(logged.filter((l) => l.level >= 40 && /worker|did not stop/.test(l.msg)).map((l) => l.msg), [], 'no worker had to be terminated, no grace timeout');
  t.notOk(existsSync(`/proc/${up.pid}`), 'the process is gone');
  // Its children (e.g. the TypeScript loader's esbuild service) exit on their own once their pipes
  // close, which can take a moment after the parent is gone.
  const left = await eventually(() => {
    const alive = kids.filter(running);
    return alive.length === 0 ? alive : undefined;
  }, 10_000, 'its child processes to exit').catch(() => kids.filter(running));
  t.same(left, [], 'no child process of it left');
});
