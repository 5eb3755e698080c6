import { isTracehoundError } from '@tracehound/errors';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  // Expected failures (bad config, missing tools, unreachable services) are one clear line;
  // anything else keeps its stack for a bug report.
  if (isTracehoundError(err)) {
    process.stderr.write(`tracehound: ${err.message}\n`);
    process.exitCode = err.code === 'TH_ERR_CONFIG' ? 78 : 1;
  } else {
    process.stderr.write(`tracehound: unexpected error\n${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 70;
  }
}
