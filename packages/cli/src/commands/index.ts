import type { Command } from 'commander';
import { registerAgent } from './agent.js';
import { registerStack } from './stack.js';
import { registerSink } from './sink.js';

/** Every subcommand registers itself here: one module, one line. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerStack,
  registerSink,
  registerAgent,
];
