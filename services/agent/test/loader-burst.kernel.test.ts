import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { eventually } from '@tracehound/testkit';
import { DEFAULT_LOADER } from '../src/index.js';
import { FrameReader } from '../src/frame-reader.js';
import { decodeFrame, type RawStr } from '../src/records/decode.js';
import { EV } from '../src/records/layout.js';

const why = process.getuid?.() !== 0 ? 'needs root to load BPF' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF' : !existsSync(DEFAULT_LOADER) ? 'loader not built (bpf/build.sh)' : false;
const N = 20_000;

t.test('a burst while the reader is stalled arrives whole: the loader waits on its stdout pipe, the ring buffer holds the rest, nothing is dropped', { skip: why }, async (t) => {
  const loader = spawn(DEFAULT_LOADER, ['--stats-interval', '1', '--ringbuf-size', String(64 << 20)], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.teardown(() => void loader.kill('SIGTERM'));
  const lines: string[] = [];
  createInterface({ input: loader.stderr }).on('line', (l) => lines.push(l));
  await eventually(() => (lines.some((l) => l.includes('"running"')) ? true : undefined), 30_000, 'the loader running');

  // Nothing reads the loader's stdout while the burst runs, and for a second after it.
  const storm = spawnSync('python3', ['-c', `import os\nprint(os.getpid(), flush=True)\nfor _ in range(${N}): os.close(os.open('/etc/shadow', os.O_RDONLY))`], { encoding: 'utf8' });
  const pid = Number(storm.stdout.trim());
  t.ok(pid > 0, 'the burst ran');
  await new Promise((r) => setTimeout(r, 1_000));

  let opens = 0;
  let dropped = -1n;
  let statsAfter = 0;
  const reader = new FrameReader();
  loader.stdout.on('data', (chunk: Buffer) => reader.push(chunk, (frame) => {
    const rec = decodeFrame(frame);
    if (rec.type === EV.FILE_OPEN && rec.hdr.pid === pid && (rec.body.path as RawStr).bytes.toString() === '/etc/shadow') opens++;
    if (rec.type === EV.STATS && opens === N) {
      const d = rec.body.dropped as Buffer;
      dropped = 0n;
      for (let i = 0; i < d.length; i += 8) dropped += d.readBigUInt64LE(i);
      statsAfter++;
    }
  }));
  await eventually(() => (statsAfter > 0 ? true : undefined), 30_000, 'every open read, then a stats record').catch((e) => t.fail(`${e} (${opens} opens read, dropped ${dropped})`));
  t.equal(opens, N, `all ${N} opens of /etc/shadow delivered`);
  t.equal(dropped, 0n, 'the kernel counted no drops');
});
