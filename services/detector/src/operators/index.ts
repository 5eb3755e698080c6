import { BUILTIN_OPERATORS } from './builtin.js';
import { cidr } from './cidr.js';
import { endsWith } from './ends-with.js';
import { glob } from './glob.js';
import { inList } from './in-list.js';
import type { OperatorSpec } from './operator.js';
import { regex } from './regex.js';
import { startsWith } from './starts-with.js';

export { evaluator, type Matcher, type OperatorContext, type OperatorSpec } from './operator.js';

/** Operators Tracehound adds to json-rules-engine's: one file each, one line here. */
export const CUSTOM_OPERATORS: OperatorSpec[] = [
  startsWith,
  endsWith,
  glob,
  regex,
  cidr,
  inList,
];

export const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map([...BUILTIN_OPERATORS, ...CUSTOM_OPERATORS].map((o) => [o.name, o]));

/** json-rules-engine's operator decorators, written `someFact:startsWith` (`swap` is not offered: it turns event data into operator values). */
export const DECORATORS = ['someFact', 'someValue', 'everyFact', 'everyValue', 'not'] as const;
export type Decorator = (typeof DECORATORS)[number];
