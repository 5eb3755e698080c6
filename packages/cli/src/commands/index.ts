import type { Command } from 'commander';

/** Every subcommand registers itself here: one module, one line. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
