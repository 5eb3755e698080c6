import type avro from 'avsc';
import { avroType, type Alert } from '@tracehound/schemas';

/**
 * Message templates: `{rule.name}`, `{severity}`, `{event.k8s.namespace}`, … name fields of the
 * (first) alert of a message; `{count}` is the number of alerts in it, `{messages}` their
 * messages one per line, `{route.name}` the route. `{{` and `}}` are literal braces. Every
 * placeholder is checked against the Alert schema when a route is stored, so a template naming
 * an absent field is refused then, with the field named, and never fails a delivery.
 */
export const SPECIAL = ['count', 'messages', 'route.name', 'route.id'] as const;

type Part = string | { read: (a: Alert) => unknown } | { special: (typeof SPECIAL)[number] };
export interface RenderContext {
  alerts: Alert[];
  route: { id: string; name: string };
}
export type Render = (ctx: RenderContext) => string;

const STEP = /^([A-Za-z_][A-Za-z0-9_]*)|^\[(\d{1,4})\]|^\['([^']{1,256})'\]|^\.([A-Za-z_][A-Za-z0-9_]*)/;

/** Parses `event.k8s.pod_labels['app']` into steps and checks them against the Alert schema. */
function fieldPath(name: string): { steps: Array<string | number> } | { error: string } {
  const steps: Array<string | number> = [];
  let rest = name;
  while (rest) {
    const m = STEP.exec(rest);
    if (!m) return { error: `"${name}" is not a field path (e.g. rule.name, event.k8s.namespace)` };
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
    rest = rest.slice(m[0].length);
  }
  let t: avro.Type = avroType('tracehound.Alert');
  let where = 'alert';
  for (const s of steps) {
    if (t.typeName.startsWith('union')) t = (t as avro.types.UnwrappedUnionType).types.find((x) => x.typeName !== 'null') ?? t;
    if (t.typeName === 'record') {
      const fields = (t as avro.types.RecordType).fields;
      const f = fields.find((x) => x.name === s);
      if (!f) return { error: `${where} has no field "${String(s)}" (known: ${fields.map((x) => x.name).join(', ')})` };
      t = f.type;
    } else if (t.typeName === 'array' && typeof s === 'number') t = (t as avro.types.ArrayType).itemsType;
    else if (t.typeName === 'map' && typeof s === 'string') t = (t as avro.types.MapType).valuesType as avro.Type;
    else return { error: `${where} has no field "${String(s)}"` };
    where = `${where}.${String(s)}`;
  }
  return { steps };
}

function read(steps: Array<string | number>): (a: Alert) => unknown {
  return (a) => {
    let v: unknown = a;
    for (const s of steps) {
      if (v === null || v === undefined || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[s];
    }
    return v;
  };
}

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** The problems of a template (unknown fields, stray braces), or none. */
export function templateErrors(text: string): string[] {
  const r = parse(text);
  return 'errors' in r ? r.errors : [];
}

function parse(text: string): { parts: Part[] } | { errors: string[] } {
  const parts: Part[] = [];
  const errors: string[] = [];
  let last = 0;
  const literal = (chunk: string) => {
    if (/[{}]/.test(chunk)) errors.push(`unbalanced brace in "${chunk.slice(0, 40)}": write {{ or }} for a literal one`);
    if (chunk) parts.push(chunk);
  };
  for (const m of text.matchAll(PLACEHOLDER)) {
    literal(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '{{' || m[0] === '}}') { parts.push(m[0][0]!); continue; }
    const name = m[1]!.trim();
    if ((SPECIAL as readonly string[]).includes(name)) { parts.push({ special: name as (typeof SPECIAL)[number] }); continue; }
    const p = fieldPath(name);
    if ('error' in p) errors.push(`{${name}}: ${p.error}`);
    else parts.push({ read: read(p.steps) });
  }
  literal(text.slice(last));
  return errors.length ? { errors } : { parts };
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '<NA>';
  if (Array.isArray(v)) return v.map(show).join(' ');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

export const MAX_TEXT = 30_000;

/** Compiles a template already checked by templateErrors (throws otherwise). */
export function compileTemplate(text: string): Render {
  const r = parse(text);
  if ('errors' in r) throw new Error(r.errors.join('; '));
  const parts = r.parts;
  return (ctx) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else if ('read' in p) out += show(p.read(ctx.alerts[0]!));
      else if (p.special === 'count') out += String(ctx.alerts.length);
      else if (p.special === 'messages') out += ctx.alerts.map((a) => a.message).join('\n');
      else out += p.special === 'route.name' ? ctx.route.name : ctx.route.id;
    }
    return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT - 1)}…` : out;
  };
}
