import { avroType } from '@tracehound/schemas';
import type { Segment } from './field-path.js';

/** What a field holds, as rules see it (bigint nanoseconds are numbers to rules). */
export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'map' | 'record';
export interface FieldInfo {
  kind: FieldKind;
  nullable: boolean;
  symbols?: readonly string[];
}
export type FieldLookup = { ok: true; info: FieldInfo } | { ok: false; reason: string };

interface AvscType {
  typeName: string;
  types?: AvscType[];
  getFields?: () => Array<{ name: string; type: AvscType }>;
  getItemsType?: () => AvscType;
  getValuesType?: () => AvscType;
  getSymbols?: () => string[];
}

function unwrap(t: AvscType): { type: AvscType; nullable: boolean } {
  if (t.typeName.startsWith('union')) {
    const rest = (t.types ?? []).filter((x) => x.typeName !== 'null');
    return { type: rest[0] ?? t, nullable: true };
  }
  return { type: t, nullable: false };
}

function kindOf(t: AvscType): FieldKind {
  switch (t.typeName) {
    case 'record': return 'record';
    case 'array': return 'array';
    case 'map': return 'map';
    case 'boolean': return 'boolean';
    case 'string': case 'enum': case 'bytes': case 'fixed': return 'string';
    default: return 'number'; // int, long, float, double, logical:timestamp-nanos
  }
}

const eventType = () => avroType('tracehound.Event') as unknown as AvscType;

/** The top-level fields of an Event: the facts a condition may name. */
export function eventFacts(): string[] {
  return eventType().getFields!().map((f) => f.name);
}

/** Checks a field path against the Event schema, naming the first step that does not exist. */
export function lookupField(segments: readonly Segment[]): FieldLookup {
  let t = eventType();
  let nullable = false;
  let where = 'event';
  for (const s of segments) {
    const u = unwrap(t);
    t = u.type;
    nullable = nullable || u.nullable;
    const kind = kindOf(t);
    if (kind === 'record') {
      const fields = t.getFields!();
      const f = fields.find((x) => x.name === s);
      if (!f) return { ok: false, reason: `${where} has no field "${String(s)}" (known: ${fields.map((x) => x.name).join(', ')})` };
      t = f.type;
    } else if (kind === 'array') {
      if (typeof s !== 'number') return { ok: false, reason: `${where} is a list: use an index like [0], not "${s}"` };
      t = t.getItemsType!();
      nullable = true; // an index may be past the end
    } else if (kind === 'map') {
      if (typeof s !== 'string') return { ok: false, reason: `${where} is a map: use a key, not [${s}]` };
      t = t.getValuesType!();
      nullable = true;
    } else {
      return { ok: false, reason: `${where} is a ${kind} and has no field "${String(s)}"` };
    }
    where = `${where === 'event' ? '' : `${where}.`}${String(s)}`;
  }
  const u = unwrap(t);
  const info: FieldInfo = { kind: kindOf(u.type), nullable: nullable || u.nullable };
  if (u.type.typeName === 'enum') info.symbols = u.type.getSymbols!();
  return { ok: true, info };
}
