// A SIEM-side consumer of Tracehound's Kafka topics, on its own: kafkajs, avsc and the schema
// registry's HTTP API, no Tracehound code. It prints one JSON object per record on stdout, the
// shape most SIEM shippers (Vector, Fluent Bit, Logstash, a file tail) take as is.
//
//   node consumer.mjs --brokers localhost:9092 --registry http://localhost:8081/apis/ccompat/v7 \
//     --topic tracehound.alerts --group siem
//
// Options: --brokers (comma-separated), --registry (Confluent-compatible API), --topic, --group
// (consumer group: run more copies with the same group to share the partitions), --latest (a
// new group starts at the newest record instead of the oldest), --max-records N (stop after N;
// without it, runs until SIGINT/SIGTERM).
import { parseArgs } from 'node:util';
import avro from 'avsc';
import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';

const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;

// Tracehound compresses its batches with LZ4 (Kafka's LZ4 frame format). kafkajs decodes only
// GZIP by itself: without this codec every fetch fails with "LZ4 compression not implemented".
// Java, librdkafka (Python, Go, .NET) and Kafka Connect clients need nothing.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder) => compressFrame(encoder.buffer),
  decompress: async (buffer) => decompressFrame(buffer),
});

const { values: opts } = parseArgs({
  options: {
    brokers: { type: 'string', default: 'localhost:9092' },
    registry: { type: 'string', default: 'http://localhost:8081/apis/ccompat/v7' },
    topic: { type: 'string', default: 'tracehound.alerts' },
    group: { type: 'string', default: 'siem-example' },
    latest: { type: 'boolean', default: false },
    'max-records': { type: 'string' },
  },
});
const settings = {
  brokers: opts.brokers.split(','),
  registryUrl: opts.registry.replace(/\/$/, ''),
  topic: opts.topic,
  groupId: opts.group,
  fromBeginning: !opts.latest,
  maxRecords: opts['max-records'] ? Number(opts['max-records']) : Infinity,
};

// Nanosecond timestamps (Avro long, logical type timestamp-nanos) exceed 2^53: read as BigInt so
// nothing is rounded, printed as decimal strings. Other longs (counters, inodes) stay numbers.
const LongAsBigInt = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: BigInt,
  toJSON: String,
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});
class TimestampNanos extends avro.types.LogicalType {
  constructor(schema, opts) {
    super(schema, opts);
    this._underlyingType = LongAsBigInt;
  }
  _fromValue(v) {
    return v;
  }
  _toValue(v) {
    return typeof v === 'bigint' ? v : undefined;
  }
}
const AVRO_OPTIONS = { logicalTypes: { 'timestamp-nanos': TimestampNanos }, wrapUnions: false };

// Confluent wire format: byte 0 is 0 (magic), bytes 1-4 the schema id (big-endian), then the
// Avro binary body written with that schema. Each writer schema is fetched once and kept.
const writerTypes = new Map();
async function writerType(id) {
  if (!writerTypes.has(id)) {
    writerTypes.set(id, (async () => {
      const res = await fetch(`${settings.registryUrl}/schemas/ids/${id}`);
      if (!res.ok) throw new Error(`schema registry: schema ${id}: HTTP ${res.status} ${await res.text()}`);
      const { schema } = await res.json();
      return avro.Type.forSchema(JSON.parse(schema), { ...AVRO_OPTIONS });
    })());
    writerTypes.get(id).catch(() => writerTypes.delete(id));
  }
  return writerTypes.get(id);
}

async function decode(value) {
  if (value.length < 5 || value[0] !== 0) throw new Error('not in the Confluent wire format (magic byte 0 + schema id)');
  const id = value.readInt32BE(1);
  const type = await writerType(id);
  return { schemaId: id, record: type.fromBuffer(value.subarray(5)) };
}

const json = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : Buffer.isBuffer(x) ? x.toString('base64') : x));

const kafka = new Kafka({ clientId: settings.groupId, brokers: settings.brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: settings.groupId });
let seen = 0;
let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect().catch(() => undefined);
  process.exit(code);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// kafkajs restarts the consumer after retriable errors by itself; any other crash ends the run
// with a non-zero exit, so a supervisor notices.
consumer.on(consumer.events.CRASH, ({ payload }) => {
  if (!payload.restart) {
    process.stderr.write(`${json({ error: `consumer stopped: ${payload.error.message}` })}\n`);
    void stop(1);
  }
});

await consumer.connect();
await consumer.subscribe({ topic: settings.topic, fromBeginning: settings.fromBeginning });
await consumer.run({
  // The offset is committed after this returns: a record is printed at least once.
  eachMessage: async ({ topic, partition, message }) => {
    if (stopping) return;
    const where = { topic, partition, offset: message.offset, key: message.key?.toString() ?? null };
    if (message.value === null) {
      process.stdout.write(`${json({ ...where, tombstone: true })}\n`);
    } else {
      try {
        const { schemaId, record } = await decode(message.value);
        process.stdout.write(`${json({ ...where, schema_id: schemaId, value: record })}\n`);
      } catch (err) {
        // A SIEM should not stop on one bad record: report it and go on.
        process.stderr.write(`${json({ ...where, error: err.message })}\n`);
      }
    }
    if (++seen >= settings.maxRecords) setImmediate(() => void stop());
  },
});
