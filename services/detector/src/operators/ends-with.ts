import { asStrings, stringOrStrings, type OperatorSpec } from './operator.js';

export const endsWith: OperatorSpec = {
  name: 'endsWith',
  summary: 'the fact string ends with the value (or with any of an array of values)',
  check: (v, ctx) => stringOrStrings(v, ctx),
  prepare: (v, ctx) => {
    const suffixes = asStrings(v, ctx);
    return (f) => typeof f === 'string' && suffixes.some((s) => f.endsWith(s));
  },
};
