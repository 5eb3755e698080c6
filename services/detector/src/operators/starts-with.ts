import { asStrings, stringOrStrings, type OperatorSpec } from './operator.js';

export const startsWith: OperatorSpec = {
  name: 'startsWith',
  summary: 'the fact string starts with the value (or with any of an array of values)',
  check: (v) => stringOrStrings(v),
  prepare: (v) => {
    const prefixes = asStrings(v);
    return (f) => typeof f === 'string' && prefixes.some((p) => f.startsWith(p));
  },
};
