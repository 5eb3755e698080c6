import type { OperatorSpec } from './operator.js';

export const inList: OperatorSpec = {
  name: 'inList',
  summary: 'the fact is an item of the named list (value: the list name)',
  check: (v, ctx) => {
    if (typeof v !== 'string') return `expects the name of a list, got ${JSON.stringify(v)}`;
    if (!ctx.lists.has(v)) return `list "${v}" is not defined (known: ${[...ctx.lists.keys()].join(', ') || 'none'})`;
    return undefined;
  },
  prepare: (v, ctx) => {
    const items = new Set<unknown>(ctx.lists.get(v as string));
    return (f) => items.has(f);
  },
};
