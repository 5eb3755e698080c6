import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The kernel side's own smoke check (bpf/test/smoke.py decodes frames independently of the
// TypeScript decoder), run with the rest of the suite so CI exercises it on the real kernel.
const SMOKE = fileURLToPath(new URL('../../../bpf/test/smoke.sh', import.meta.url));
const why = process.getuid?.() !== 0 ? 'needs root to load BPF' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF' : false;

t.test('bpf/test/smoke.sh passes every check against the real kernel', { skip: why, timeout: 180_000 }, async (t) => {
  const r = spawnSync('bash', [SMOKE], { encoding: 'utf8', timeout: 170_000 });
  const summary = /(\d+)\/(\d+) checks passed/.exec(r.stdout);
  t.equal(r.status, 0, `smoke exit status (stderr tail: ${r.stderr.slice(-400)})`);
  t.ok(summary, 'a summary line');
  t.equal(summary?.[1], summary?.[2], `all checks passed: ${summary?.[0]}`);
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))) t.fail(line);
});
