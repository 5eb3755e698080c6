import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MARKER = '.complete';

/**
 * Fills a cache directory once. The work happens in a sibling temporary directory that is renamed
 * into place only when complete, so an interrupted download is never mistaken for a good cache
 * and a second run never calls Maven again.
 */
export async function cached(dir: string, fill: (tmp: string) => Promise<void>): Promise<{ dir: string; hit: boolean }> {
  if (existsSync(join(dir, MARKER))) return { dir, hit: true };
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await writeFile(join(tmp, MARKER), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (existsSync(join(dir, MARKER))) return { dir, hit: true }; // another run filled it meanwhile
    throw err;
  }
  return { dir, hit: false };
}
