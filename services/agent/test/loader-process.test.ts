import t from 'tap';
import { silentLogger } from '@tracehound/logging';
import { eventually } from '@tracehound/testkit';
import { LoaderProcess } from '../src/adapters/loader-process.js';

// A child that speaks the loader's framing, echoes commands on stderr, and dies after 3 frames.
const SCRIPT = `
const f = (s) => { const b = Buffer.from(s); const h = Buffer.alloc(4); h.writeUInt32LE(b.length); process.stdout.write(Buffer.concat([h, b])); };
f('one'); f('two'); f('three');
process.stdin.on('data', (d) => process.stderr.write('ok ' + d));
setTimeout(() => process.exit(Number(process.env.CODE ?? 3)), 300);
`;

t.test('frames are delivered, commands answered, and a crash restarts the loader with backoff', async (t) => {
  const frames: string[] = [];
  const notices: string[] = [];
  const restarts: number[] = [];
  const lp = new LoaderProcess({
    binary: process.execPath, args: ['-e', SCRIPT], log: silentLogger(),
    onFrame: (f) => frames.push(f.toString()), onNotice: (l) => notices.push(l), onRestart: (code) => restarts.push(code ?? -1),
  });
  lp.start();
  t.teardown(() => lp.stop());
  await eventually(() => (frames.length >= 3 ? true : undefined), 5_000);
  t.ok(lp.command('ignore_pid 1'));
  await eventually(() => (notices.includes('ok ignore_pid 1') ? true : undefined), 5_000, 'the command reply');
  await eventually(() => (frames.length >= 6 ? true : undefined), 10_000, 'frames from the restarted loader');
  t.same(frames.slice(0, 6), ['one', 'two', 'three', 'one', 'two', 'three']);
  t.same(restarts[0], 3);
  t.ok(lp.restarts >= 1);
});

t.test('an exit code meaning "BPF unusable" is reported once, not restarted', async (t) => {
  let fatal: number | undefined;
  const lp = new LoaderProcess({
    binary: process.execPath, args: ['-e', 'process.stderr.write("no BTF at /sys/kernel/btf/vmlinux\\n"); process.exit(2)'], log: silentLogger(),
    onFrame: () => undefined, fatalExitCodes: [2], onFatal: (code, lines) => { fatal = code; t.match(lines.join('\n'), /no BTF/); },
  });
  lp.start();
  t.equal(await eventually(() => fatal, 5_000), 2);
  await new Promise((r) => setTimeout(r, 500));
  t.equal(lp.restarts, 0);
});
