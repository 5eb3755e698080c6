import { OPERATORS, type OperatorContext } from '../operators/index.js';
import { fieldReader, parseField, type Segment } from '../rules/field-path.js';
import type { ExceptionSpec } from '../rules/model.js';

/** The name of the exception that silences the rule for this event, if one does. */
export type ExceptionMatch = (event: object) => string | undefined;

/**
 * Falco-style exceptions: named field tuples with rows of values. A row silences the rule when
 * every field matches its value by its comparison operator (default `equal`).
 */
export function compileExceptions(specs: ExceptionSpec[], ctx: OperatorContext): ExceptionMatch {
  const compiled = specs.filter((s) => s.values.length > 0).map((s) => {
    const readers = s.fields.map((f) => fieldReader((parseField(f) as { segments: Segment[] }).segments));
    const comps = s.comps ?? s.fields.map(() => 'equal');
    const rows = s.values.map((row) => row.map((v, i) => {
      const op = OPERATORS.get(comps[i]!)!;
      const m = op.prepare(v, ctx);
      const valid = op.factValidator;
      return valid ? (f: unknown) => valid(f) && m(f) : m;
    }));
    return { name: s.name, readers, rows };
  });
  if (compiled.length === 0) return () => undefined;
  return (event) => {
    for (const c of compiled) {
      const values = c.readers.map((r) => r(event));
      if (c.rows.some((row) => row.every((m, i) => m(values[i])))) return c.name;
    }
    return undefined;
  };
}
