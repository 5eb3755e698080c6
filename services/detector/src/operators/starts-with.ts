import { asStrings, stringOrStrings, type OperatorSpec } from './operator.js';

export const startsWith: OperatorSpec = {
  name: 'startsWith',
  summary: 'the fact string starts with the value (or with any of an array of values)',
  check: (v, ctx) => stringOrStrings(v, ctx),
  prepare: (v, ctx) => {
    const prefixes = asStrings(v, ctx);
    return (f) => typeof f === 'string' && prefixes.some((p) => f.startsWith(p));
  },
};
