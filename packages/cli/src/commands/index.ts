import type { Command } from 'commander';
import { registerAgent } from './agent.js';
import { registerStack } from './stack.js';
import { registerApi } from './api.js';
import { registerDetector } from './detector.js';
import { registerRules } from './rules.js';
import { registerSink } from './sink.js';
import { registerEnricher } from './enricher.js';
import { registerKube } from './kube.js';
import { registerNotifier } from './notifier.js';
import { registerUp } from './up.js';
import { registerSimulate } from './simulate.js';

/** Every subcommand registers itself here: one module, one line. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  registerStack,
  registerApi,
  registerDetector,
  registerRules,
  registerSink,
  registerAgent,
  registerEnricher,
  registerKube,
  registerUp,
  registerSimulate,
  registerNotifier,
];
