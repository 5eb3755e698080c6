import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

/** Builds the `tracehound` command tree; each subcommand lives in its own module under commands/. */
export function buildProgram(): Command {
  const program = new Command('tracehound')
    .description('eBPF security audit platform for Kubernetes')
    .showHelpAfterError()
    .enablePositionalOptions();
  for (const register of COMMANDS) register(program);
  return program;
}
