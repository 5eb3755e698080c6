import t from 'tap';
import { avroType, sampleEnrichedEvent, sampleEvent, sampleProcess, type Event, type EventKind } from '@tracehound/schemas';
import { EventEncoder } from '../src/event-encoder.js';

const type = avroType('tracehound.Event');
const reference = (id: number, ev: Event) => {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(id, 1);
  return Buffer.concat([h, type.toBuffer(ev)]);
};
const KINDS: EventKind[] = ['process_exec', 'process_exit', 'process_fork', 'file_open', 'file_write', 'file_rename', 'net_connect', 'priv_change', 'agent_stats'];

t.test('writes exactly the Confluent-framed Avro of the codec, cached lists and slab boundaries included', async (t) => {
  const fallbacks: Event[] = [];
  const enc = new EventEncoder(type, 4242, (ev) => (fallbacks.push(ev), reference(4242, ev)));
  const shared = sampleProcess();
  Object.freeze(shared.args);
  Object.freeze(shared.ancestors);
  // Whole process blocks shared by several events, as the agent shares a thread's (frozen).
  const blocks = Array.from({ length: 5 }, (_, i) => Object.freeze({ ...sampleProcess(), pid: 9_000 + i, args: i % 2 ? shared.args : [`/bin/x${i}`], ancestors: shared.ancestors }));
  const events: Event[] = [];
  for (let i = 0; i < 3_000; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const ev = i % 7 === 0 ? sampleEnrichedEvent(kind) : sampleEvent(kind);
    // Every third event shares its process's lists (as the agent does), every fifth a whole
    // block; the others bring their own.
    if (ev.process && i % 3 === 0) ev.process = { ...ev.process, pid: i, args: shared.args, ancestors: shared.ancestors, exe: `/bin/é${i}` };
    else if (ev.process && i % 5 === 0) ev.process = blocks[i % blocks.length]!;
    events.push(ev);
  }
  const out = events.map((ev) => enc.encode(ev));
  // Values stay valid after later writes (each lives in its own range of a slab).
  let same = 0;
  for (let i = 0; i < events.length; i++) if (out[i]!.equals(reference(4242, events[i]!))) same++;
  t.equal(same, events.length, `${same} of ${events.length} byte-identical`);
  t.ok(fallbacks.every((e) => e.process === null), 'only events without a process block go the plain way');
  t.ok(out.reduce((s, b) => s + b.length, 0) > 1 << 20, 'more than one slab used');
});

t.test('an event that does not fit the schema goes to the fallback, which explains why', async (t) => {
  const enc = new EventEncoder(type, 1, () => {
    throw new Error('explained by the codec');
  });
  const bad = sampleEvent('process_exec');
  (bad.process as unknown as { pid: string }).pid = 'not a number';
  t.throws(() => enc.encode(bad), /explained by the codec/);
  const ok = sampleEvent('file_open');
  t.ok(enc.encode(ok).equals(reference(1, ok)), 'the next event is fine');
  // A failure after a shared list was written must not leave that list pointing at bytes the
  // next events overwrite.
  const shared = sampleProcess();
  Object.freeze(shared.args);
  Object.freeze(shared.ancestors);
  const half = sampleEvent('process_exec', { process: Object.freeze({ ...shared }) });
  half.exec = { ...half.exec!, filename: 42 as unknown as string }; // fails in the tail, after the lists (a copy: the sample blocks are shared)
  t.throws(() => enc.encode(half), /explained by the codec/);
  for (let i = 0; i < 3; i++) {
    const ev = sampleEvent('file_open', { id: `x${i}`, process: { ...shared, pid: i } });
    t.ok(enc.encode(ev).equals(reference(1, ev)), `event ${i} sharing the lists is intact`);
    const same = sampleEvent('file_open', { id: `y${i}`, process: half.process });
    t.ok(enc.encode(same).equals(reference(1, same)), `event ${i} sharing the whole block is intact`);
  }
});

t.test('released slabs are written again; values not yet released are never overwritten', async (t) => {
  const enc = new EventEncoder(type, 7, (ev) => reference(7, ev));
  const events = Array.from({ length: 4_000 }, (_, i) => sampleEvent(KINDS[i % KINDS.length]!, { id: `ev-${i}` }));
  const out = events.map((ev) => enc.encode(ev));
  const slabs = [...new Set(out.map((b) => b.buffer))].filter((ab) => ab.byteLength === 1 << 20); // not the fallback's
  t.ok(slabs.length >= 3, `${slabs.length} slabs used`);
  t.equal(enc.freeSlabs, 0, 'nothing released yet');

  // Release every value of the first slab but one: it stays held.
  const first = out.filter((b) => b.buffer === slabs[0]);
  enc.release(first.slice(1));
  t.equal(enc.freeSlabs, 0, 'a slab with a value still held is not reused');
  enc.release([first[0]!, Buffer.from('not from a slab')]);
  t.equal(enc.freeSlabs, 1, 'its last value released: ready for reuse (a foreign value is ignored)');

  // Encoding on fills the current slab, then takes the released one.
  const more = events.map((ev) => sampleEvent(ev.kind, { id: `${ev.id}-again` }));
  const out2 = more.map((ev) => enc.encode(ev));
  t.ok(out2.some((b) => b.buffer === slabs[0]), 'the released slab was written again');
  t.equal(enc.freeSlabs, 0);
  let intact = 0;
  for (let i = 0; i < out.length; i++) if (out[i]!.buffer !== slabs[0] && out[i]!.equals(reference(7, events[i]!))) intact++;
  t.equal(intact, out.length - first.length, 'every unreleased value is still its event');
  let fresh = 0;
  for (let i = 0; i < out2.length; i++) if (out2[i]!.equals(reference(7, more[i]!))) fresh++;
  t.equal(fresh, out2.length, 'values in the reused slab are right');
});

t.test('values never released do not pin slabs: past the bound the oldest are untracked, never written again', async (t) => {
  const enc = new EventEncoder(type, 7, (ev) => reference(7, ev), 2);
  const events = Array.from({ length: 8_000 }, (_, i) => sampleEvent(KINDS[i % KINDS.length]!, { id: `lost-${i}` }));
  const out = events.map((ev) => enc.encode(ev));
  const slabs = [...new Set(out.map((b) => b.buffer))].filter((ab) => ab.byteLength === 1 << 20); // not the fallback's
  t.ok(slabs.length >= 4, `${slabs.length} slabs used`);
  enc.release(out.filter((b) => b.buffer === slabs[0]));
  t.equal(enc.freeSlabs, 0, 'an untracked slab is not reused, even when its values are released later');
  enc.release(out.filter((b) => b.buffer === slabs[slabs.length - 2]));
  t.equal(enc.freeSlabs, 1, 'a tracked one is');
  const more = events.map((ev) => sampleEvent(ev.kind, { id: `${ev.id}-again` }));
  more.forEach((ev) => enc.encode(ev));
  let intact = 0;
  for (let i = 0; i < out.length; i++) if (out[i]!.buffer !== slabs[slabs.length - 2] && out[i]!.equals(reference(7, events[i]!))) intact++;
  t.equal(intact, out.filter((b) => b.buffer !== slabs[slabs.length - 2]).length, 'every value not released is still its event');
});
