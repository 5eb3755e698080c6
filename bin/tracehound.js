#!/usr/bin/env node
// Tracehound is written in TypeScript and runs through tsx's loader: no build step.
import { register } from 'tsx/esm/api';

register();
await import('../packages/cli/src/main.ts');
