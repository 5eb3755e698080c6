import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TracehoundError } from '@tracehound/errors';

/**
 * Each record is defined once, in its own .avsc file under schemas/avro, and refers to others
 * by full name ("tracehound.Process"). The registry wants one self-contained schema per subject,
 * so `composeSchema` inlines every referenced definition at its first use, as Avro requires.
 */
export const AVRO_DIR = fileURLToPath(new URL('../avro/', import.meta.url));

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** Every named type (records, enums, fixed, also nested ones) by full name. */
export function indexDefinitions(dir = AVRO_DIR): Map<string, JsonObject> {
  const defs = new Map<string, JsonObject>();
  const visit = (node: Json, ns: string | undefined, file: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, ns, file));
    if (node === null || typeof node !== 'object') return;
    let inner = ns;
    if (typeof node.name === 'string' && ['record', 'enum', 'fixed', 'error'].includes(String(node.type))) {
      inner = typeof node.namespace === 'string' ? node.namespace : ns;
      const name = fullName(node.name, inner);
      if (defs.has(name)) throw new TracehoundError('TH_ERR_SCHEMA', `${file}: type ${name} is defined twice`);
      defs.set(name, { ...node, name, namespace: undefined as unknown as Json });
      delete defs.get(name)!.namespace;
    }
    if (Array.isArray(node.fields)) for (const f of node.fields) visit((f as JsonObject).type ?? null, inner, file);
    if (node.items !== undefined) visit(node.items, inner, file);
    if (node.values !== undefined) visit(node.values, inner, file);
    if (node.type !== undefined && typeof node.type === 'object') visit(node.type, inner, file);
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.avsc')).sort()) {
    let parsed: Json;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
    } catch (cause) {
      throw new TracehoundError('TH_ERR_SCHEMA', `schema file ${join(dir, file)} is not valid JSON: ${(cause as Error).message}`, { cause });
    }
    visit(parsed, undefined, file);
  }
  return defs;
}

/** A self-contained schema for `name` (e.g. "tracehound.Event") with every reference inlined once. */
export function composeSchema(name: string, defs: Map<string, JsonObject> = indexDefinitions()): JsonObject {
  const emitted = new Set<string>();
  const expand = (node: Json, ns: string): Json => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const full = fullName(node, ns);
      if (emitted.has(full)) return full;
      const def = defs.get(full);
      if (!def) throw new TracehoundError('TH_ERR_SCHEMA', `unknown Avro type ${full}`);
      return expand(def, ns);
    }
    if (Array.isArray(node)) return node.map((n) => expand(n, ns));
    if (node === null || typeof node !== 'object') return node;
    const type = node.type;
    if (typeof node.name === 'string' && typeof type === 'string' && ['record', 'enum', 'fixed', 'error'].includes(type)) {
      const full = fullName(node.name, typeof node.namespace === 'string' ? node.namespace : ns);
      if (emitted.has(full)) return full;
      emitted.add(full);
      const out: JsonObject = { ...node, name: full };
      delete out.namespace;
      const inner = full.slice(0, full.lastIndexOf('.'));
      if (Array.isArray(node.fields)) {
        out.fields = node.fields.map((f) => ({ ...(f as JsonObject), type: expand((f as JsonObject).type ?? null, inner) }));
      }
      return out;
    }
    const out: JsonObject = { ...node };
    if (type !== undefined && typeof type !== 'string') out.type = expand(type, ns);
    else if (typeof type === 'string' && !PRIMITIVES.has(type) && !['array', 'map'].includes(type)) out.type = expand(type, ns);
    if (node.items !== undefined) out.items = expand(node.items, ns);
    if (node.values !== undefined) out.values = expand(node.values, ns);
    return out;
  };
  const def = defs.get(name);
  if (!def) throw new TracehoundError('TH_ERR_SCHEMA', `no Avro definition named ${name} in ${AVRO_DIR}`);
  return expand(def, name.slice(0, name.lastIndexOf('.'))) as JsonObject;
}
