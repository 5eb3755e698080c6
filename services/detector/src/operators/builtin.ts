import type { OperatorSpec } from './operator.js';

/**
 * json-rules-engine's own operators, mirrored for the compiled path: same comparisons, same
 * fact validators (engine-default-operators.js). The differential test holds them equal.
 */
const numberValidator = (factValue: unknown): boolean => Number.parseFloat(factValue as string).toString() !== 'NaN';
const anyValue = () => undefined;
const arrayValue = (value: unknown) => (Array.isArray(value) ? undefined : `expects an array value, got ${JSON.stringify(value)}`);
/** Operators that may compare a fact with another fact (value `{ "fact": … }`), by their raw comparison. */
export const FACT_COMPARISONS: ReadonlyMap<string, { valid?: (f: unknown) => boolean; compare: (a: unknown, b: unknown) => boolean }> = new Map([
  ['equal', { compare: (a, b) => a === b }],
  ['notEqual', { compare: (a, b) => a !== b }],
  ['lessThan', { valid: numberValidator, compare: (a, b) => (a as number) < (b as number) }],
  ['lessThanInclusive', { valid: numberValidator, compare: (a, b) => (a as number) <= (b as number) }],
  ['greaterThan', { valid: numberValidator, compare: (a, b) => (a as number) > (b as number) }],
  ['greaterThanInclusive', { valid: numberValidator, compare: (a, b) => (a as number) >= (b as number) }],
]);
const numberValue = (value: unknown) => (typeof value === 'number' ? undefined : `expects a number value, got ${JSON.stringify(value)}`);

export const BUILTIN_OPERATORS: OperatorSpec[] = [
  { name: 'equal', summary: 'fact === value', check: anyValue, prepare: (v) => (f) => f === v },
  { name: 'notEqual', summary: 'fact !== value', check: anyValue, prepare: (v) => (f) => f !== v },
  { name: 'in', summary: 'fact is one of the value array', check: arrayValue, prepare: (v) => (f) => (v as unknown[]).indexOf(f) > -1 },
  { name: 'notIn', summary: 'fact is none of the value array', check: arrayValue, prepare: (v) => (f) => (v as unknown[]).indexOf(f) === -1 },
  { name: 'contains', summary: 'the fact array holds the value', factValidator: Array.isArray, check: anyValue, prepare: (v) => (f) => (f as unknown[]).indexOf(v) > -1 },
  { name: 'doesNotContain', summary: 'the fact array does not hold the value', factValidator: Array.isArray, check: anyValue, prepare: (v) => (f) => (f as unknown[]).indexOf(v) === -1 },
  { name: 'lessThan', summary: 'fact < value', factValidator: numberValidator, check: numberValue, prepare: (v) => (f) => (f as number) < (v as number) },
  { name: 'lessThanInclusive', summary: 'fact <= value', factValidator: numberValidator, check: numberValue, prepare: (v) => (f) => (f as number) <= (v as number) },
  { name: 'greaterThan', summary: 'fact > value', factValidator: numberValidator, check: numberValue, prepare: (v) => (f) => (f as number) > (v as number) },
  { name: 'greaterThanInclusive', summary: 'fact >= value', factValidator: numberValidator, check: numberValue, prepare: (v) => (f) => (f as number) >= (v as number) },
];
