import avro from 'avsc';

/** A step of a field path: a field or map key by name, an array item by index. */
export type PathStep = string | number;

/** Avsc's type objects as the projection walks them. */
interface AvscType {
  typeName: string;
  name?: string;
  fields?: Array<{ name: string; type: AvscType }>;
  types?: AvscType[];
  itemsType?: AvscType;
  valuesType?: AvscType;
  schema(o: { exportAttrs: boolean }): avro.Schema;
}

/** The fields of a named record kept by the projection: some, or all (and everything below them). */
type Kept = Set<string> | 'all';

/**
 * A reader type holding only the parts of `type` (a record type) that `paths` reach (the enricher
 * reads what routes an event, the detector what its rules read): a path keeps
 * the fields along it, and all of whatever it ends on (a record, array or map); an index steps into
 * an array's items; any step into a map keeps the whole map. What a record keeps is decided per
 * record name, so every place a named record appears reads the same fields. Read through
 * `projected.createResolver(type)`, a value of `type` comes out with only those fields: the others
 * are skipped in the bytes, never turned into strings, arrays or objects. Paths naming no field of
 * the schema keep nothing (reading them gives undefined either way).
 */
export function projectType(type: avro.Type, paths: readonly (readonly PathStep[])[], options: Partial<avro.ForSchemaOptions>): avro.Type {
  const kept = new Map<string, Kept>();

  const keepAll = (t: AvscType): void => {
    if (t.typeName === 'record') {
      if (kept.get(t.name!) === 'all') return;
      kept.set(t.name!, 'all');
      for (const f of t.fields!) keepAll(f.type);
    } else if (t.typeName.startsWith('union')) for (const b of t.types!) keepAll(b);
    else if (t.typeName === 'array') keepAll(t.itemsType!);
    else if (t.typeName === 'map') keepAll(t.valuesType!);
  };

  const walk = (t: AvscType, path: readonly PathStep[], i: number): void => {
    if (t.typeName.startsWith('union')) {
      for (const b of t.types!) walk(b, path, i);
      return;
    }
    if (i === path.length) {
      keepAll(t);
      return;
    }
    const step = path[i]!;
    if (t.typeName === 'record') {
      const field = typeof step === 'string' ? t.fields!.find((f) => f.name === step) : undefined;
      const k = kept.get(t.name!);
      if (!field || k === 'all') return;
      if (k) k.add(field.name);
      else kept.set(t.name!, new Set([field.name]));
      walk(field.type, path, i + 1);
    } else if (t.typeName === 'array') {
      if (typeof step === 'number') walk(t.itemsType!, path, i + 1);
      else keepAll(t); // e.g. `args.length`
    } else if (t.typeName === 'map') keepAll(t);
  };

  const defined = new Set<string>();
  const emit = (t: AvscType): avro.Schema => {
    if (t.typeName.startsWith('union')) return t.types!.map(emit) as avro.Schema;
    if (t.typeName === 'array') return { type: 'array', items: emit(t.itemsType!) };
    if (t.typeName === 'map') return { type: 'map', values: emit(t.valuesType!) };
    if (t.name !== undefined) {
      if (defined.has(t.name)) return t.name;
      defined.add(t.name);
    }
    if (t.typeName !== 'record') return t.schema({ exportAttrs: true });
    const k = kept.get(t.name!) ?? new Set<string>();
    return { type: 'record', name: t.name!, fields: t.fields!.filter((f) => k === 'all' || k.has(f.name)).map((f) => ({ name: f.name, type: emit(f.type) })) };
  };

  const root = type as unknown as AvscType;
  if (root.typeName !== 'record') throw new TypeError(`projectType needs a record type, not ${root.typeName}`);
  for (const p of paths) walk(root, p, 0);
  if (!kept.has(root.name!)) kept.set(root.name!, new Set());
  return avro.Type.forSchema(emit(root), options);
}
