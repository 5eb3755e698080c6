/**
 * The sink's Native encoder as it was at an earlier commit, loaded beside the current one so a
 * benchmark measures both in the same run: packages/clickhouse/src of that commit is unpacked
 * (git archive) into a temporary directory and imported from there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Event } from '@tracehound/schemas';
import type { SourceOffset, TableSpec } from '@tracehound/clickhouse';

/** The Native path before column readers and blocks: a value array per event, then one block. */
export const NATIVE_BEFORE = '78a309b2d42308c9ea614be971378af4693960c2';

export interface BaselineNative {
  encodeNative(spec: TableSpec, rows: readonly (readonly unknown[])[]): Buffer;
  eventValues(e: Event, src: SourceOffset): unknown[];
  remove(): void;
}

export async function baselineNative(commit = NATIVE_BEFORE): Promise<BaselineNative> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'th-bench-baseline-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive ${commit} packages/clickhouse/src | tar -x -C "${dir}"`]);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const src = join(dir, 'packages/clickhouse/src/rows');
  const native = (await import(pathToFileURL(join(src, 'native.ts')).href)) as Pick<BaselineNative, 'encodeNative'>;
  const rows = (await import(pathToFileURL(join(src, 'event-row.ts')).href)) as Pick<BaselineNative, 'eventValues'>;
  return { encodeNative: native.encodeNative, eventValues: rows.eventValues, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
