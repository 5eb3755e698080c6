import { writeFileSync } from 'node:fs';
import { CONFIG_DOC, renderConfigDoc } from './config-doc.js';

/** `npm run gen:config-doc`: rewrites docs/configuration.md from the config schemas. */
writeFileSync(CONFIG_DOC, renderConfigDoc());
process.stdout.write(`wrote ${CONFIG_DOC}\n`);
