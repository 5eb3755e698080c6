import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(UI_ROOT, 'dist');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** Builds the UI when its dist is missing or older than its sources (the rule scripts/setup.sh applies too). */
export function ensureUiBuilt(): void {
  const index = join(DIST, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((f) => join(UI_ROOT, f));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest))) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: UI_ROOT, stdio: 'inherit' });
}
