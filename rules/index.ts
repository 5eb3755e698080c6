/**
 * The default rule set shipped with Tracehound: shared lists and conditions first, then rules
 * by maturity. The detector seeds an empty rules topic with these files; `tracehound rules lint`
 * and CI check them (services/detector/test/default-rules.test.ts).
 */
import { fileURLToPath } from 'node:url';

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('.', import.meta.url));

export const DEFAULT_RULE_FILES = ['common.json', 'stable.json', 'incubating.json', 'k8s-audit.json'].map((f) => fileURLToPath(new URL(f, import.meta.url)));
