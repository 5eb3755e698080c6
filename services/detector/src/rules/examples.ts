import { EVENT_KIND_SYMBOLS, fromJson, sampleEnrichedEvent, toPlain, type Event, type EventKind } from '@tracehound/schemas';
import type { Example, ExampleEvent } from './model.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Objects merge key by key; arrays, scalars and null replace. */
function merge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

/**
 * The events of a rule example. An example is a partial event (its `kind` picks a sample
 * enriched event of that kind, which the example overrides), or `{events: [...], times?}` for
 * stateful rules. Ids and timestamps not given are made unique and 1 ms apart;
 * `at_ms` places an event that many ms after the sample time.
 */
export function exampleEvents(example: Example, label = 'ex'): Event[] {
  const list = isObject(example) && Array.isArray(example.events) ? (example.events as ExampleEvent[]) : [example as ExampleEvent];
  const times = isObject(example) && typeof example.times === 'number' ? example.times : 1;
  const out: Event[] = [];
  for (let t = 0; t < times; t++) {
    for (const patch of list) {
      const kind = (patch.kind ?? 'process_exec') as EventKind;
      if (!(EVENT_KIND_SYMBOLS as readonly string[]).includes(kind)) throw new Error(`example kind "${String(kind)}" is not an event kind`);
      const base = toPlain(sampleEnrichedEvent(kind)) as Record<string, unknown>;
      const n = out.length;
      const { at_ms: at, ...rest } = patch;
      base.id = `${label}-${n}`;
      base.ts = (BigInt(base.ts as string) + BigInt(typeof at === 'number' ? at : n) * 1_000_000n).toString();
      out.push(fromJson('tracehound.Event', merge(base, rest)));
    }
  }
  return out;
}
