import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import { AVRO_OPTIONS, avroType, type RecordName } from './avro-types.js';
import { composeSchema } from './compose.js';
import type { Alert, Delivery, Event } from './generated/records.js';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary body. */
const MAGIC = 0;
const HEADER = 5;

export interface RecordTypes {
  'tracehound.Event': Event;
  'tracehound.Alert': Alert;
  'tracehound.Delivery': Delivery;
}

export function createRegistry(url: string): SchemaRegistry {
  // Retries are ours (start-up backoff, batch re-delivery); the client's own would hide outages.
  return new SchemaRegistry({ host: url, clientId: 'tracehound', retry: { retries: 0 } }, { [SchemaType.AVRO]: AVRO_OPTIONS });
}

/** The schema id in a Confluent-framed value, or a TH_ERR_DECODE naming what is wrong. */
export function readSchemaId(buf: Buffer): number {
  if (buf.length < HEADER) throw new TracehoundError('TH_ERR_DECODE', `value is ${buf.length} bytes, shorter than the 5-byte Confluent header`);
  if (buf[0] !== MAGIC) throw new TracehoundError('TH_ERR_DECODE', `magic byte is ${buf[0]}, expected 0 (not Confluent wire format)`);
  return buf.readUInt32BE(1);
}

/**
 * Encodes and decodes one record type in Confluent wire format against a schema registry.
 * Writers call `register` once at start-up; encode and decode are synchronous once the schema
 * ids they meet are known, which keeps the hot path free of promises. Readers resolve data
 * written with older or newer compatible schemas into the schema this build knows.
 */
export class RecordCodec<N extends RecordName> {
  readonly type: avro.Type;
  private writerId: number | undefined;
  private readonly readers = new Map<number, (body: Buffer) => RecordTypes[N]>();

  constructor(private readonly registry: SchemaRegistry, readonly name: N) {
    this.type = avroType(name);
  }

  /** Registers this build's schema under `subject` with FULL compatibility (new readers read old data and old readers, such as SIEMs, read new data); returns its id. */
  async register(subject: string): Promise<number> {
    const schema = JSON.stringify(composeSchema(this.name));
    try {
      const { id } = await this.registry.register({ type: SchemaType.AVRO, schema }, { subject, compatibility: COMPATIBILITY.FULL });
      this.writerId = id;
      this.readers.set(id, (body) => this.type.fromBuffer(body) as RecordTypes[N]);
      return id;
    } catch (cause) {
      throw registryError(`registering ${this.name} under subject ${subject}`, cause);
    }
  }

  get schemaId(): number | undefined {
    return this.writerId;
  }

  encode(value: RecordTypes[N]): Buffer {
    if (this.writerId === undefined) throw new TracehoundError('TH_ERR_ENCODE', `${this.name}: register() before encode()`);
    let body: Buffer;
    try {
      body = this.type.toBuffer(value);
    } catch (cause) {
      const paths: string[] = [];
      this.type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
      throw new TracehoundError('TH_ERR_ENCODE', `${this.name} does not match its schema at ${paths.join(', ') || '?'}: ${errorMessage(cause)}`, { cause, details: { paths } });
    }
    const out = Buffer.allocUnsafe(HEADER + body.length);
    out[0] = MAGIC;
    out.writeUInt32BE(this.writerId, 1);
    body.copy(out, HEADER);
    return out;
  }

  /** Decodes synchronously when the writer's schema id is known; undefined when it must be fetched. */
  decodeKnown(buf: Buffer): RecordTypes[N] | undefined {
    const reader = this.readers.get(readSchemaId(buf));
    return reader ? this.read(reader, buf) : undefined;
  }

  async decode(buf: Buffer): Promise<RecordTypes[N]> {
    const id = readSchemaId(buf);
    let reader = this.readers.get(id);
    if (!reader) reader = await this.learn(id);
    return this.read(reader, buf);
  }

  private read(reader: (body: Buffer) => RecordTypes[N], buf: Buffer): RecordTypes[N] {
    try {
      return reader(buf.subarray(HEADER));
    } catch (cause) {
      throw new TracehoundError('TH_ERR_DECODE', `${this.name} body does not decode with schema ${buf.readUInt32BE(1)}: ${errorMessage(cause)}`, { cause });
    }
  }

  private async learn(id: number): Promise<(body: Buffer) => RecordTypes[N]> {
    let writer: avro.Type;
    try {
      writer = (await this.registry.getSchema(id)) as unknown as avro.Type;
    } catch (cause) {
      const status = (cause as { status?: number }).status;
      if (status === 404) throw new TracehoundError('TH_ERR_DECODE', `schema id ${id} is unknown to the registry`, { cause });
      throw registryError(`fetching schema ${id}`, cause);
    }
    let reader: (body: Buffer) => RecordTypes[N];
    if (writer.equals(this.type)) {
      reader = (body) => this.type.fromBuffer(body) as RecordTypes[N];
    } else {
      let resolver: avro.Resolver;
      try {
        resolver = this.type.createResolver(writer);
      } catch (cause) {
        throw new TracehoundError('TH_ERR_DECODE', `schema ${id} cannot be read as ${this.name}: ${errorMessage(cause)}`, { cause });
      }
      reader = (body) => this.type.fromBuffer(body, resolver) as RecordTypes[N];
    }
    this.readers.set(id, reader);
    return reader;
  }
}

/** The registry client reports connection failures as HTTP 400 responses; these are not answers. */
const NETWORK_FAILURE = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN|EPIPE|socket hang up|timeout/i;

/** Registry failures: unreachable is retriable, a refused schema (409/422) is not. */
export function registryError(what: string, cause: unknown): TracehoundError {
  const status = (cause as { status?: number }).status;
  if (NETWORK_FAILURE.test(errorMessage(cause))) {
    return new TracehoundError('TH_ERR_UNREACHABLE', `${what}: registry not reachable: ${errorMessage(cause)}`, { cause });
  }
  if (status === 409 || status === 422) {
    return new TracehoundError('TH_ERR_SCHEMA', `${what}: the registry refused the schema (${status}): ${errorMessage(cause)}`, { cause, details: { status } });
  }
  const unreachable = status === undefined || status >= 500;
  return new TracehoundError(unreachable ? 'TH_ERR_UNREACHABLE' : 'TH_ERR_SCHEMA', `${what}: ${errorMessage(cause)}`, { cause, details: { status } });
}
