/**
 * Field paths, the one syntax for naming a part of an event: `process.exe`, `process.args[0]`,
 * `k8s.pod_labels['app.kubernetes.io/name']`. The same segments, after the first, form the
 * restricted JSON path of a condition (`$.exe`), which json-rules-engine's resolver
 * (jsonpath-plus) and the fast resolver read identically.
 */
export type Segment = string | number;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const INDEX = /^\[([0-9]{1,6})\]/;
const QUOTED = /^\['([A-Za-z0-9._/:-]{1,253})'\]/;

export type ParsedPath = { ok: true; segments: Segment[] } | { ok: false; reason: string };

/** Parses the part after `$` of a JSON path, or a whole dotted field when `dotted`. */
function parseSegments(text: string, dotted: boolean): ParsedPath {
  const segments: Segment[] = [];
  let rest = text;
  let first = dotted;
  while (rest.length) {
    let m: RegExpExecArray | null;
    if (first) {
      m = IDENT.exec(rest);
      if (!m) return { ok: false, reason: `"${text}" must start with a field name` };
      segments.push(m[0]);
      rest = rest.slice(m[0].length);
      first = false;
      continue;
    }
    if (rest[0] === '.' && (m = IDENT.exec(rest.slice(1)))) {
      segments.push(m[0]);
      rest = rest.slice(1 + m[0].length);
    } else if ((m = INDEX.exec(rest))) {
      segments.push(Number(m[1]));
      rest = rest.slice(m[0].length);
    } else if ((m = QUOTED.exec(rest))) {
      segments.push(m[1]!);
      rest = rest.slice(m[0].length);
    } else {
      return { ok: false, reason: `cannot read "${rest}" in "${text}": use .name, [index] or ['key.with/special-chars'] (wildcards, filters and recursion are not supported)` };
    }
  }
  return { ok: true, segments };
}

export function parseField(text: string): ParsedPath {
  if (text.length === 0 || text.length > 512) return { ok: false, reason: 'a field path has 1 to 512 characters' };
  return parseSegments(text, true);
}

export function parseJsonPath(path: string): ParsedPath {
  if (!path.startsWith('$')) return { ok: false, reason: `JSON path "${path}" must start with $` };
  if (path.length > 512) return { ok: false, reason: 'a JSON path has at most 512 characters' };
  const r = parseSegments(path.slice(1), false);
  if (r.ok && r.segments.length === 0) return { ok: false, reason: `JSON path "${path}" names nothing: drop it to compare the whole fact` };
  return r;
}

export function toJsonPath(segments: Segment[]): string {
  return `$${segments.map((s) => (typeof s === 'number' ? `[${s}]` : IDENT.exec(s)?.[0] === s ? `.${s}` : `['${s}']`)).join('')}`;
}

export const formatField = (segments: Segment[]): string => toJsonPath(segments).slice(2).replace(/^\[/, '[');

/**
 * Reads a path the way json-rules-engine does: a fact that is not an object (null, a string…)
 * is returned as it is, whatever the path; below it, a missing step gives undefined. Own
 * properties only; bigint nanoseconds become numbers (exact to about 0.25 µs at today's dates).
 */
export function readPath(factValue: unknown, segments: readonly Segment[]): unknown {
  if (factValue === null || typeof factValue !== 'object') return typeof factValue === 'bigint' ? Number(factValue) : factValue;
  let v: unknown = factValue;
  for (let i = 0; i < segments.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    const s = segments[i]!;
    if (!Object.hasOwn(v, s)) return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

/** A reader of a dotted field of an event (the first segment is the fact). */
export function fieldReader(segments: readonly Segment[]): (event: object) => unknown {
  const top = segments[0] as string;
  const rest = segments.slice(1);
  return (event) => {
    const fact = Object.hasOwn(event, top) ? (event as Record<string, unknown>)[top] : undefined;
    // Unlike a condition path, a template or key on a null block yields null, not the block.
    if (rest.length === 0 || fact === null || fact === undefined) return typeof fact === 'bigint' ? Number(fact) : fact;
    return readPath(fact, rest);
  };
}
