import { checkOperator, checkCondition, type ConditionScope } from './validate-condition.js';
import { lookupField } from './event-fields.js';
import { parseField } from './field-path.js';
import { MATURITIES, MITRE_TAG, NAME, RULE_ID, SEVERITIES } from './model.js';
import type { Issue, Pointer } from './issues.js';
import { parseTemplate } from '../engine/template.js';
import { OPERATORS } from '../operators/index.js';

const RULE_KEYS = new Set(['id', 'name', 'description', 'severity', 'tags', 'version', 'enabled', 'condition', 'output', 'throttle', 'exceptions', 'stateful', 'examples']);
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_EXCEPTION_ROWS = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function checkFields(v: unknown, at: Pointer, issues: Issue[], what: string): void {
  if (!Array.isArray(v) || v.length === 0 || v.length > 16) return void issues.push({ pointer: at, message: `${what} must be 1 to 16 event field names like "k8s.pod_uid"` });
  v.forEach((f, i) => {
    const p = typeof f === 'string' ? parseField(f) : { ok: false as const, reason: `expected a field name, got ${JSON.stringify(f)}` };
    const l = p.ok ? lookupField(p.segments) : p;
    if (!l.ok) issues.push({ pointer: [...at, i], message: `unknown field: ${l.reason}` });
  });
}

function checkWindow(v: unknown, at: Pointer, issues: Issue[]): void {
  if (!isInt(v, 1, MAX_WINDOW_MS)) issues.push({ pointer: at, message: `expected whole milliseconds from 1 to ${MAX_WINDOW_MS} (24 h), got ${JSON.stringify(v)}` });
}

function checkExceptions(v: unknown, at: Pointer, scope: ConditionScope, issues: Issue[]): void {
  if (!Array.isArray(v)) return void issues.push({ pointer: at, message: '"exceptions" must be an array of {name, fields, values}' });
  const names = new Set<string>();
  v.forEach((x, i) => {
    const here = [...at, i];
    if (!isObject(x)) return void issues.push({ pointer: here, message: 'an exception is an object {name, fields, comps?, values}' });
    for (const k of Object.keys(x)) if (!['name', 'fields', 'comps', 'values'].includes(k)) issues.push({ pointer: [...here, k], message: `unknown key "${k}" in an exception` });
    if (typeof x.name !== 'string' || !NAME.test(x.name)) issues.push({ pointer: [...here, 'name'], message: `exception name must match ${NAME}, got ${JSON.stringify(x.name)}` });
    else if (names.has(x.name)) issues.push({ pointer: [...here, 'name'], message: `exception "${x.name}" is defined twice` });
    else names.add(x.name);
    checkFields(x.fields, [...here, 'fields'], issues, 'exception "fields"');
    const n = Array.isArray(x.fields) ? x.fields.length : 0;
    const comps = x.comps ?? Array(n).fill('equal');
    if (!Array.isArray(comps) || comps.length !== n) issues.push({ pointer: [...here, 'comps'], message: `"comps" must list one operator per field (${n})` });
    else comps.forEach((c, ci) => {
      if (typeof c !== 'string' || !OPERATORS.has(c)) issues.push({ pointer: [...here, 'comps', ci], message: `unknown operator ${JSON.stringify(c)} (known: ${[...OPERATORS.keys()].join(', ')})` });
    });
    if (!Array.isArray(x.values) || x.values.length > MAX_EXCEPTION_ROWS) return void issues.push({ pointer: [...here, 'values'], message: `"values" must be an array of at most ${MAX_EXCEPTION_ROWS} rows (empty to tune later)` });
    x.values.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== n) return void issues.push({ pointer: [...here, 'values', r], message: `each row has one value per field (${n}), got ${JSON.stringify(row)?.slice(0, 80)}` });
      row.forEach((val, c) => {
        const reason = Array.isArray(comps) ? checkOperator(comps[c] ?? 'equal', val, scope.ctx) : undefined;
        if (reason) issues.push({ pointer: [...here, 'values', r, c], message: reason });
      });
    });
  });
}

function checkStateful(v: unknown, at: Pointer, scope: ConditionScope, issues: Issue[]): void {
  if (!isObject(v)) return void issues.push({ pointer: at, message: '"stateful" must be an object with type threshold or sequence' });
  if (v.by !== undefined) checkFields(v.by, [...at, 'by'], issues, '"by"');
  if (v.type === 'threshold') {
    for (const k of Object.keys(v)) if (!['type', 'by', 'count', 'window_ms'].includes(k)) issues.push({ pointer: [...at, k], message: `unknown key "${k}" in a threshold (type, by, count, window_ms)` });
    if (!isInt(v.count, 2, 100_000)) issues.push({ pointer: [...at, 'count'], message: `"count" must be a whole number from 2 to 100000, got ${JSON.stringify(v.count)}` });
    checkWindow(v.window_ms, [...at, 'window_ms'], issues);
  } else if (v.type === 'sequence') {
    for (const k of Object.keys(v)) if (!['type', 'by', 'within_ms', 'steps'].includes(k)) issues.push({ pointer: [...at, k], message: `unknown key "${k}" in a sequence (type, by, within_ms, steps)` });
    checkWindow(v.within_ms, [...at, 'within_ms'], issues);
    if (!Array.isArray(v.steps) || v.steps.length < 2 || v.steps.length > 16) return void issues.push({ pointer: [...at, 'steps'], message: '"steps" must be 2 to 16 steps {name, condition}' });
    v.steps.forEach((s, i) => {
      if (!isObject(s)) return void issues.push({ pointer: [...at, 'steps', i], message: 'a step is {name, condition}' });
      if (typeof s.name !== 'string' || !NAME.test(s.name)) issues.push({ pointer: [...at, 'steps', i, 'name'], message: `step name must match ${NAME}` });
      checkCondition(s.condition, [...at, 'steps', i, 'condition'], scope, issues);
    });
  } else {
    issues.push({ pointer: [...at, 'type'], message: `"type" must be threshold or sequence, got ${JSON.stringify(v.type)}` });
  }
}

/** Checks one rule document; `at` is where it sits in its file or record. */
export function checkRule(r: unknown, at: Pointer, scope: ConditionScope, issues: Issue[]): void {
  if (!isObject(r)) return void issues.push({ pointer: at, message: 'a rule must be an object' });
  for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) issues.push({ pointer: [...at, k], message: `unknown key "${k}" in a rule (known: ${[...RULE_KEYS].join(', ')})` });
  if (typeof r.id !== 'string' || !RULE_ID.test(r.id)) issues.push({ pointer: [...at, 'id'], message: `"id" must match ${RULE_ID} (lower-case letters, digits, . _ -), got ${JSON.stringify(r.id)}` });
  for (const k of ['name', 'description'] as const) {
    if (typeof r[k] !== 'string' || r[k] === '' || (r[k] as string).length > 2_000) issues.push({ pointer: [...at, k], message: `"${k}" must be a non-empty string of at most 2000 characters` });
  }
  if (!(SEVERITIES as readonly unknown[]).includes(r.severity)) issues.push({ pointer: [...at, 'severity'], message: `"severity" must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(r.severity)}` });
  if (!Array.isArray(r.tags) || r.tags.length === 0 || r.tags.some((t) => typeof t !== 'string')) {
    issues.push({ pointer: [...at, 'tags'], message: `"tags" must be strings, the first a maturity (${MATURITIES.join(', ')})` });
  } else if (!(MATURITIES as readonly string[]).includes(r.tags[0] as string)) {
    issues.push({ pointer: [...at, 'tags', 0], message: `the first tag must be a maturity (${MATURITIES.join(', ')}), got ${JSON.stringify(r.tags[0])}` });
  } else {
    r.tags.forEach((t, i) => {
      if (/^t[0-9]{4}/i.test(t as string) && !MITRE_TAG.test(t as string)) issues.push({ pointer: [...at, 'tags', i], message: `"${t}" looks like a MITRE ATT&CK id but is not of the form T1234 or T1234.001` });
    });
  }
  if (r.version !== undefined && !isInt(r.version, 1, 2 ** 31 - 1)) issues.push({ pointer: [...at, 'version'], message: `"version" must be a whole number of at least 1, got ${JSON.stringify(r.version)}` });
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') issues.push({ pointer: [...at, 'enabled'], message: '"enabled" must be true or false' });
  if (r.condition === undefined) issues.push({ pointer: at, message: 'a rule needs "condition"' });
  else checkCondition(r.condition, [...at, 'condition'], scope, issues);
  if (typeof r.output !== 'string' || r.output === '') {
    issues.push({ pointer: [...at, 'output'], message: '"output" must be a non-empty message template' });
  } else {
    const t = parseTemplate(r.output, r.stateful !== undefined);
    if ('errors' in t) for (const e of t.errors) issues.push({ pointer: [...at, 'output'], message: e });
  }
  if (r.throttle !== undefined) {
    const t = r.throttle;
    if (!isObject(t)) issues.push({ pointer: [...at, 'throttle'], message: '"throttle" must be {by?, window_ms}' });
    else {
      for (const k of Object.keys(t)) if (k !== 'by' && k !== 'window_ms') issues.push({ pointer: [...at, 'throttle', k], message: `unknown key "${k}" in throttle (by, window_ms)` });
      if (t.by !== undefined) checkFields(t.by, [...at, 'throttle', 'by'], issues, '"by"');
      checkWindow(t.window_ms, [...at, 'throttle', 'window_ms'], issues);
    }
  }
  if (r.exceptions !== undefined) checkExceptions(r.exceptions, [...at, 'exceptions'], scope, issues);
  if (r.stateful !== undefined) checkStateful(r.stateful, [...at, 'stateful'], scope, issues);
  if (r.examples !== undefined) {
    const e = r.examples;
    if (!isObject(e) || Object.keys(e).some((k) => k !== 'positive' && k !== 'negative') || [e.positive, e.negative].some((x) => x !== undefined && !Array.isArray(x))) {
      issues.push({ pointer: [...at, 'examples'], message: '"examples" must be {positive: [...], negative: [...]}' });
    }
  }
}
