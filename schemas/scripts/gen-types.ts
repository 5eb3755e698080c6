import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTypes } from '../src/codegen.js';

const target = fileURLToPath(new URL('../src/generated/records.ts', import.meta.url));
writeFileSync(target, generateTypes());
process.stdout.write(`wrote ${target}\n`);
