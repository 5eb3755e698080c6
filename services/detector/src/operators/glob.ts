import picomatch from 'picomatch';
import { errorMessage } from '@tracehound/errors';
import { asStrings, stringOrStrings, type OperatorSpec } from './operator.js';

// `*` stays within one path segment, `**` crosses them; dot files match like any other.
const OPTIONS = { dot: true, nobrace: false };

export const glob: OperatorSpec = {
  name: 'glob',
  summary: 'the fact string matches the glob (picomatch: *, **, ?, [a-z], {a,b}), or any of an array of globs',
  check: (v, ctx) => stringOrStrings(v, ctx, (s) => {
    if (s.length > 1024) return `glob "${s.slice(0, 40)}…" is longer than 1024 characters`;
    try {
      picomatch.makeRe(s, OPTIONS);
      return undefined;
    } catch (err) {
      return `glob "${s}" does not compile: ${errorMessage(err)}`;
    }
  }),
  prepare: (v, ctx) => {
    const isMatch = picomatch(asStrings(v, ctx), OPTIONS);
    return (f) => typeof f === 'string' && isMatch(f);
  },
};
