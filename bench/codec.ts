/**
 * Avro (Confluent framing) vs JSON for a typical enriched exec event: records/s to encode and to
 * decode, and bytes per record. JSON is the baseline, run in the same process. Then the
 * detector's read of events.enriched (up to the K8s block, the block shared per distinct bytes)
 * against decoding every record whole, over events of 50 containers.
 * Run: npx tsx bench/codec.ts
 */
import type { KafkaMessage } from 'kafkajs';
import { SchemaMatch } from '@tracehound/kafka';
import { RecordCodec, avroType, createRegistry, sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { EnrichedEventReader } from '../services/detector/src/adapters/event-decoder.js';
import { fmt, machine, rate } from './stats.js';

const type = avroType('tracehound.Event');
const ev = sampleEnrichedEvent('process_exec');
const header = Buffer.from([0, 0, 0, 0, 1]);

// What the codec does per record: Avro body plus the 5-byte Confluent header.
const avroEncode = (e: Event) => Buffer.concat([header, type.toBuffer(e)]);
const avroDecode = (b: Buffer) => type.fromBuffer(b.subarray(5)) as Event;
const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
const jsonEncode = (e: Event) => Buffer.from(JSON.stringify(e, replacer));
const jsonDecode = (b: Buffer) => JSON.parse(b.toString()) as Event;

const avroBuf = avroEncode(ev);
const jsonBuf = jsonEncode(ev);
const results = {
  avroEncode: rate(() => avroEncode(ev)),
  avroDecode: rate(() => avroDecode(avroBuf)),
  jsonEncode: rate(() => jsonEncode(ev)),
  jsonDecode: rate(() => jsonDecode(jsonBuf)),
};
console.log(`codec benchmark — typical enriched process_exec event — ${machine()}`);
console.log(`| format | encode rec/s | decode rec/s | bytes/record |`);
console.log(`| --- | ---: | ---: | ---: |`);
console.log(`| Avro (Confluent framed) | ${fmt(results.avroEncode)} | ${fmt(results.avroDecode)} | ${avroBuf.length} |`);
console.log(`| JSON (baseline) | ${fmt(results.jsonEncode)} | ${fmt(results.jsonDecode)} | ${jsonBuf.length} |`);
console.log(`Avro/JSON: encode ×${fmt(results.avroEncode / results.jsonEncode, 2)}, decode ×${fmt(results.avroDecode / results.jsonDecode, 2)}, size ×${fmt(avroBuf.length / jsonBuf.length, 2)}`);

// The detector's decoder needs no registry for ids it is told are this build's schema.
const codec = new RecordCodec(createRegistry('http://127.0.0.1:9'), 'tracehound.Event');
const match = new SchemaMatch(type, { getSchema: () => Promise.reject(new Error('not used')) });
match.add(1);
// Every field read (bench/detector-decode.ts compares reading only what the rules read).
const detectorDecode = new EnrichedEventReader(codec, match).decoder(() => undefined);
const blocks = Array.from({ length: 50 }, (_, i) => ({ ...ev.k8s!, pod: `web-${i}`, pod_uid: `uid-${i}` }));
const msgs = Array.from({ length: 1_000 }, (_, i) => ({ value: avroEncode({ ...ev, id: `e-${i}`, k8s: blocks[i % blocks.length]! }) }) as KafkaMessage);
let at = 0;
const whole = rate(() => avroDecode(msgs[at++ % msgs.length]!.value!));
const shared = rate(() => detectorDecode(msgs[at++ % msgs.length]!, 'enriched'));
console.log(`detector read of events.enriched (50 containers): ${fmt(shared)} rec/s up to the K8s block + shared block, ${fmt(whole)} rec/s whole (×${fmt(shared / whole, 2)})`);
