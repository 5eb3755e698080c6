import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isPair, type Node } from 'yaml';
import { errorMessage } from '@tracehound/errors';
import type { Issue, Pointer } from './issues.js';
import { emptyRaw, type RawSource } from './source.js';

const FILE_KEYS = new Set(['lists', 'conditions', 'rules']);

interface Parsed {
  name: string;
  text: string;
  value: unknown;
}

/** Line and column (1-based) of the JSON value a pointer names, or of its nearest existing parent. */
export function locate(text: string, pointer: Pointer): { line: number; column: number } | undefined {
  const lc = new LineCounter();
  // JSON is YAML; the YAML parser keeps the source range of every node.
  const doc = parseDocument(text, { lineCounter: lc, keepSourceTokens: false, uniqueKeys: false });
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const key of pointer) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && String((p.key as { value?: unknown } | null)?.value) === String(key));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function parse(name: string, text: string, issues: Issue[]): Parsed | undefined {
  try {
    return { name, text, value: JSON.parse(text) };
  } catch (err) {
    const m = /position (\d+)/.exec(errorMessage(err));
    const at = m ? text.slice(0, Number(m[1])).split('\n') : undefined;
    issues.push({ source: name, pointer: [], message: `not valid JSON: ${errorMessage(err)}`, ...(at ? { line: at.length, column: at.at(-1)!.length + 1 } : {}) });
    return undefined;
  }
}

/**
 * Reads rule files into one raw source. Problems of shape (not JSON, unknown top-level keys,
 * a name defined twice) are reported here; everything else by checkSource.
 */
export function readRuleTexts(files: Array<{ name: string; text: string }>): { raw: RawSource; issues: Issue[]; texts: Map<string, string> } {
  const raw = emptyRaw();
  const issues: Issue[] = [];
  const texts = new Map<string, string>();
  for (const f of files) {
    texts.set(f.name, f.text);
    const p = parse(f.name, f.text, issues);
    if (!p) continue;
    const v = p.value;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      issues.push({ source: f.name, pointer: [], message: 'a rule file is an object with "lists", "conditions" and "rules"' });
      continue;
    }
    const doc = v as Record<string, unknown>;
    for (const k of Object.keys(doc)) if (!FILE_KEYS.has(k)) issues.push({ source: f.name, pointer: [k], message: `unknown top-level key "${k}" (lists, conditions, rules)` });
    for (const section of ['lists', 'conditions'] as const) {
      const s = doc[section];
      if (s === undefined) continue;
      if (s === null || typeof s !== 'object' || Array.isArray(s)) {
        issues.push({ source: f.name, pointer: [section], message: `"${section}" must be an object of name: value` });
        continue;
      }
      for (const [name, value] of Object.entries(s)) {
        const prev = raw[section].get(name);
        if (prev) issues.push({ source: f.name, pointer: [section, name], message: `${section === 'lists' ? 'list' : 'shared condition'} "${name}" is already defined in ${prev.source}` });
        else raw[section].set(name, { value, source: f.name, pointer: [section, name] });
      }
    }
    if (doc.rules !== undefined) {
      if (!Array.isArray(doc.rules)) {
        issues.push({ source: f.name, pointer: ['rules'], message: '"rules" must be an array of rules' });
        continue;
      }
      doc.rules.forEach((r, i) => {
        const id = (r as { id?: unknown } | null)?.id;
        const key = typeof id === 'string' ? id : `#${i}`;
        const prev = raw.rules.get(key);
        if (prev) issues.push({ source: f.name, pointer: ['rules', i, 'id'], message: `rule "${key}" is already defined in ${prev.source}` });
        else raw.rules.set(key, { value: r, source: f.name, pointer: ['rules', i] });
      });
    }
  }
  return { raw, issues, texts };
}

export function readRuleFiles(paths: string[]): ReturnType<typeof readRuleTexts> {
  return readRuleTexts(paths.map((p) => ({ name: p, text: readFileSync(p, 'utf8') })));
}

/** Adds line and column to issues whose source text is known. */
export function withLines(issues: Issue[], texts: ReadonlyMap<string, string>): Issue[] {
  return issues.map((i) => {
    if (i.line !== undefined || !i.source) return i;
    const text = texts.get(i.source);
    const pos = text === undefined ? undefined : locate(text, i.pointer);
    return pos ? { ...i, ...pos } : i;
  });
}
