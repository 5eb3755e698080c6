/**
 * Agent CPU per event, stage by stage, over real loader frames (root; no Kafka needed).
 * Captures frames from tracehound-loader while an exec storm and an open storm of /etc/shadow
 * run (or reads FRAMES=<file> from an earlier capture), then times on one core:
 *   frames → records → Events → Avro bodies → Kafka message (key + framed value)
 * Prints events/s and µs/event per stage, for the open (file) and the exec mix separately.
 * Run: sudo npx tsx bench/agent-pipeline.ts [N_EXEC=2000] [N_OPEN=20000]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSync, closeSync } from 'node:fs';
import { avroType, type Event } from '@tracehound/schemas';
import { DEFAULT_LOADER } from '../services/agent/src/app.js';
import { FrameHandler } from '../services/agent/src/handler.js';
import { FrameReader } from '../services/agent/src/frame-reader.js';
import { eventIds, hostPrefix } from '../services/agent/src/event-id.js';
import { AgentCounters } from '../services/agent/src/stats.js';
import { silentLogger } from '@tracehound/logging';
import type { LoaderControl } from '../services/agent/src/loader-control.js';
import { EventEncoder } from '../services/agent/src/event-encoder.js';
import { decodeFrame } from '../services/agent/src/records/decode.js';
import { toEvent } from '../services/agent/src/records/to-event.js';
import { fmt, machine } from './stats.js';

const N_EXEC = Number(process.argv[2] ?? 2_000);
const N_OPEN = Number(process.argv[3] ?? 20_000);

async function capture(): Promise<Buffer> {
  if (process.env.FRAMES) return readFileSync(process.env.FRAMES);
  const file = join(mkdtempSync(join(tmpdir(), 'th-frames-')), 'frames.bin');
  const fd = openSync(file, 'w');
  const loader = spawn(DEFAULT_LOADER, ['--stats-interval', '1'], { stdio: ['ignore', fd, 'ignore'] });
  await new Promise((r) => setTimeout(r, 3_000));
  spawnSync('bash', ['-c', `for ((i = 0; i < ${N_EXEC}; i++)); do /bin/true; done`]);
  spawnSync('python3', ['-c', `import os\nfor i in range(${N_OPEN}): os.close(os.open('/etc/shadow', os.O_RDONLY))`]);
  await new Promise((r) => setTimeout(r, 1_000));
  loader.kill('SIGTERM');
  await new Promise((r) => loader.once('exit', r));
  closeSync(fd);
  return readFileSync(file);
}

const stream = await capture();
const frames: Buffer[] = [];
new FrameReader().push(stream, (f) => frames.push(Buffer.from(f)));
const byType = (pred: (t: number) => boolean) => frames.filter((f) => pred(f.readUInt32LE(0)));
const mixes = { 'file_open only': byType((t) => t === 4), 'exec storm mix (exec+fork+exit)': byType((t) => t >= 1 && t <= 3) };

/** What the agent's frame handler is given (app.ts): its id writer, and one host cgroup here. */
const eventCtx = { node: 'bench-node', id: eventIds(hostPrefix('bench-node')), cgroup: () => ({ path: '/system.slice/bench.service', containerId: null }) };
const control = { ready: () => undefined, reply: () => undefined } as unknown as LoaderControl;
const type = avroType('tracehound.Event');
let sink: (ev: Event) => void = () => undefined;
const handler = new FrameHandler(
  eventCtx, 0n, new AgentCounters(), control, (ev) => sink(ev), silentLogger(),
);

function time(label: string, list: Buffer[], body: (f: Buffer) => void): number {
  for (let i = 0; i < Math.min(list.length, 2_000); i++) body(list[i]!); // warm-up
  const rounds = Math.max(1, Math.ceil(40_000 / list.length));
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const f of list) body(f);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / (rounds * list.length);
  console.log(`| ${label} | ${fmt(1e6 / us)} | ${fmt(us, 2)} |`);
  return us;
}

console.log(`agent pipeline — ${fmt(frames.length)} loader frames captured — ${machine()}`);
for (const [mix, list] of Object.entries(mixes)) {
  if (!list.length) continue;
  console.log(`\n${mix}: ${fmt(list.length)} frames, ${fmt(list.reduce((s, f) => s + f.length, 0) / list.length)} bytes each\n`);
  console.log('| stage (cumulative, one core) | events/s | µs/event |');
  console.log('| --- | ---: | ---: |');
  const ctx = { ...eventCtx, clockOffsetNs: 0n };
  time('generic decoder (decodeFrame + toEvent, every type)', list, (f) => void toEvent(decodeFrame(f), ctx));
  const generic = (f: Buffer) => toEvent(decodeFrame(f), ctx)!;
  time('generic decoder + key, Avro (avsc toBuffer) and framing', list, (f) => {
    const ev = generic(f);
    void { key: Buffer.from(`${ev.node}/${ev.process?.container_id ?? 'host'}`), value: Buffer.concat([Buffer.alloc(5), type.toBuffer(ev)]) };
  });
  sink = () => undefined;
  time('decode + Event (agent: fast path)', list, (f) => handler.onFrame(f));
  sink = (ev) => void { key: Buffer.from(`${ev.node}/${ev.process?.container_id ?? 'host'}`), value: Buffer.concat([Buffer.alloc(5), type.toBuffer(ev)]) };
  time('+ key, Avro (avsc toBuffer) and Confluent framing', list, (f) => handler.onFrame(f));
  const encoder = new EventEncoder(type, 1, (ev) => Buffer.concat([Buffer.alloc(5), type.toBuffer(ev)]));
  const key = Buffer.from('bench-node/host');
  sink = (ev) => void { key, value: encoder.encode(ev) };
  time('+ key, Avro and framing with the agent\'s EventEncoder', list, (f) => handler.onFrame(f));
}
