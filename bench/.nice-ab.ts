import { spawnSync } from 'node:child_process';
import { setPriority } from 'node:os';
import { parseLaunches, settle, startAgent, stopAgent } from './agent-harness.js';
const launch = parseLaunches('agent=agent MALLOC_MMAP_THRESHOLD_=131072 --max-semi-space-size=4 --single-threaded-gc')[0]!;
const n = Number(process.argv[2] ?? 10000);
const rounds = Number(process.argv[3] ?? 4);
const storm = () => { const t = performance.now(); spawnSync('bash', ['-c', `for ((i = 0; i < ${n}; i++)); do /bin/true; done`]); return (performance.now() - t) / 1000; };
const res: Record<string, number[]> = { none: [], agent: [], nice: [] };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (let r = 0; r < rounds; r++) {
  res.none!.push(storm());
  for (const mode of ['agent', 'nice']) {
    const a = await startAgent(launch);
    if (mode === 'nice') { setPriority(a.child.pid!, 19); if (a.loader) setPriority(a.loader, 19); }
    storm(); await settle(a.port);
    res[mode]!.push(storm());
    await settle(a.port);
    await stopAgent(a);
  }
  console.log(r, Object.entries(res).map(([k, v]) => `${k} ${v.at(-1)!.toFixed(2)}`).join('  '));
}
const b = med(res.none!);
for (const [k, v] of Object.entries(res)) console.log(k, med(v).toFixed(2), `${(((med(v) - b) / b) * 100).toFixed(1)} %`, v.map((x) => x.toFixed(2)).join(' '));
