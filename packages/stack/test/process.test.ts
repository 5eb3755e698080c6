import t from 'tap';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { isOurs, spawnDetached, stopProcess } from '../src/process.js';

const marker = '-Dtracehound.stack=/tmp/process-test';
// A stand-in server that carries the marker in its argv; `stubborn` ignores SIGTERM.
const server = (stubborn: boolean) => ({
  command: process.execPath,
  args: ['-e', `${stubborn ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('up')`, '--', marker],
  cwd: '/tmp',
});

async function untilUp(out: string): Promise<void> {
  for (let i = 0; i < 250 && !readFileSync(out, 'utf8').includes('up'); i++) await new Promise((r) => setTimeout(r, 20));
}

t.test('a server that honours SIGTERM is terminated, its output kept in the log file', async (t) => {
  const out = join(t.testdir(), 'out.log');
  const p = spawnDetached(server(false), out);
  t.ok(isOurs(p.pid, marker));
  await untilUp(out);
  t.match(readFileSync(out, 'utf8'), 'up', 'stdout goes to the log file');
  t.equal(await stopProcess(p.pid, marker, 5000), 'terminated');
  t.notOk(isOurs(p.pid, marker));
});

t.test('a server that ignores SIGTERM is killed after the grace period', async (t) => {
  const out = join(t.testdir(), 'out.log');
  const p = spawnDetached(server(true), out);
  await untilUp(out);
  const t0 = Date.now();
  t.equal(await stopProcess(p.pid, marker, 300), 'killed');
  t.ok(Date.now() - t0 >= 300, 'waited the grace period first');
  t.notOk(isOurs(p.pid, marker));
});

t.test('a pid without the marker is never signalled', async (t) => {
  t.notOk(isOurs(process.pid, marker));
  t.equal(await stopProcess(process.pid, marker, 100), 'gone');
});
