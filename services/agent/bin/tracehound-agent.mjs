#!/usr/bin/env node
// The node agent's own entry: `tracehound agent` without the rest of the command line, and with
// TypeScript compiled in this thread. `bin/tracehound.js` registers tsx's ES module hooks, which
// Node 20 runs in a second V8 isolate on a worker thread (about 34 MB of resident memory for as
// long as the process lives); tsx's CommonJS hook compiles the same sources in the main thread.
// Arguments: [agent] [--output kafka|json] [--loader <path>], as `tracehound agent`; settings from
// TRACEHOUND_* variables.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const { main } = require('../src/main.ts');

let values;
try {
  let positionals;
  ({ values, positionals } = parseArgs({ options: { output: { type: 'string' }, loader: { type: 'string' } }, allowPositionals: true }));
  // `agent` may lead, as in `tracehound agent …` (the image's default arguments).
  if (positionals[0] === 'agent') positionals.shift();
  if (positionals.length) throw new Error(`unexpected argument '${positionals[0]}'`);
} catch (err) {
  process.stderr.write(`tracehound-agent: ${err.message}\n`);
  process.exit(64);
}
const overrides = {};
if (values.output !== undefined) overrides.TRACEHOUND_AGENT_OUTPUT = values.output;
if (values.loader !== undefined) overrides.TRACEHOUND_AGENT_LOADER = values.loader;
main(overrides).then(() => {
  // Every module is loaded once the agent runs: the compiler tsx used (esbuild's worker thread
  // and its service process, about 17 MB) is not needed again. esbuild starts them anew
  // should anything be compiled later.
  void require('esbuild').stop();
}, (err) => {
  process.stderr.write(`tracehound-agent: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = err && err.code === 'TH_ERR_CONFIG' ? 78 : 1;
});
