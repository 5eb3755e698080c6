/**
 * Rows → Arrow IPC stream with apache-arrow, for the sink insert benchmark's ArrowStream case
 * (bench only: measured slower than JSON on the JS side, see services/sink-clickhouse/README.md).
 */
import { Bool, Field, Int32, List, Map_, Struct, Table, Uint16, Uint32, Uint64, Utf8, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import type { Column } from '@tracehound/clickhouse';

/** The Arrow type for a ClickHouse column type; DateTime64 travels as its text (the insert casts it), LowCardinality as its plain type. */
export function arrowType(chType: string): DataType {
  const inner = /^(LowCardinality|Nullable)\((.*)\)$/.exec(chType);
  if (inner) return arrowType(inner[2]!);
  const arr = /^Array\((.*)\)$/.exec(chType);
  if (arr) return new List(new Field('item', arrowType(arr[1]!), false));
  const map = /^Map\((.*), String\)$/.exec(chType);
  if (map) return new Map_(new Field('entries', new Struct([new Field('key', arrowType(map[1]!), false), new Field('value', new Utf8(), false)]), false) as never);
  if (chType === 'String' || chType.startsWith('DateTime64(')) return new Utf8();
  const fixed: Record<string, () => DataType> = { UInt16: () => new Uint16(), UInt32: () => new Uint32(), UInt64: () => new Uint64(), Int32: () => new Int32(), Bool: () => new Bool() };
  const make = fixed[chType];
  if (!make) throw new Error(`no Arrow mapping for ClickHouse type ${chType}`);
  return make();
}

/** Rows keyed by column name as one Arrow IPC stream, columns in `columns` order. */
export function rowsToArrow(columns: readonly Column[], rows: readonly Record<string, unknown>[]): Uint8Array {
  const vectors: Record<string, unknown> = {};
  for (const c of columns) {
    const type = arrowType(c.type);
    let values: unknown[] = rows.map((r) => r[c.name]);
    if (type instanceof Uint64) values = values.map((v) => BigInt(v as string | number));
    else if (type instanceof Map_) values = values.map((v) => new Map(Object.entries(v as Record<string, string>)));
    vectors[c.name] = vectorFromArray(values as never[], type as never);
  }
  return tableToIPC(new Table(vectors as never), 'stream');
}
