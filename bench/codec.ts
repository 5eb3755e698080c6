/**
 * Avro (Confluent framing) vs JSON for a typical enriched exec event: records/s to encode and to
 * decode, and bytes per record. JSON is the baseline, run in the same process.
 * Run: npx tsx bench/codec.ts
 */
import { avroType, sampleEnrichedEvent, type Event } from '@tracehound/schemas';
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
