import { fieldReader, parseField, type Segment } from '../rules/field-path.js';
import { lookupField } from '../rules/event-fields.js';

/**
 * Output templates: text with `{process.exe}`-style placeholders naming event fields, and for
 * stateful rules `{stateful.count}` and `{stateful.key}`. `{{` and `}}` are literal braces.
 * A missing value renders as `<NA>`, a list as its items joined by spaces.
 */
export const MAX_MESSAGE = 4_096;
export const STATEFUL_PLACEHOLDERS = ['stateful.count', 'stateful.key'] as const;

type Part = string | { field: string; read: (e: object) => unknown } | { stateful: 'count' | 'key' };
export interface StatefulValues {
  count: number;
  key: string;
}
export type Render = (event: object, stateful?: StatefulValues) => string;

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** Parses a template; returns the problems (unknown fields, stray braces) instead when there are any. */
export function parseTemplate(text: string, stateful: boolean): { parts: Part[] } | { errors: string[] } {
  const parts: Part[] = [];
  const errors: string[] = [];
  let last = 0;
  const literal = (chunk: string) => {
    if (/[{}]/.test(chunk)) errors.push(`unbalanced brace in "${chunk.slice(0, 40)}": write {{ or }} for a literal one`);
    parts.push(chunk);
  };
  for (const m of text.matchAll(PLACEHOLDER)) {
    literal(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '{{') { parts.push('{'); continue; }
    if (m[0] === '}}') { parts.push('}'); continue; }
    const name = m[1]!.trim();
    if ((STATEFUL_PLACEHOLDERS as readonly string[]).includes(name)) {
      if (!stateful) errors.push(`{${name}} is only available in stateful rules`);
      parts.push({ stateful: name.slice('stateful.'.length) as 'count' | 'key' });
      continue;
    }
    const p = parseField(name);
    if (!p.ok) { errors.push(`{${name}}: ${p.reason}`); continue; }
    const l = lookupField(p.segments);
    if (!l.ok) { errors.push(`{${name}} names no event field: ${l.reason}`); continue; }
    parts.push({ field: name, read: fieldReader(p.segments as Segment[]) });
  }
  literal(text.slice(last));
  return errors.length ? { errors } : { parts: parts.filter((p) => p !== '') };
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '<NA>';
  if (Array.isArray(v)) return v.map(show).join(' ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function compileTemplate(text: string, stateful: boolean): Render {
  const t = parseTemplate(text, stateful);
  if ('errors' in t) throw new Error(t.errors.join('; '));
  const parts = t.parts;
  return (event, s) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else if ('field' in p) out += show(p.read(event));
      else out += s ? String(s[p.stateful]) : '<NA>';
    }
    return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
  };
}
