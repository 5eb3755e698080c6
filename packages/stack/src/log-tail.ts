import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** Current sizes of log files; taken before a start so a failure shows only that start's lines. */
export type LogOffsets = Record<string, number>;

export function logOffsets(files: string[]): LogOffsets {
  return Object.fromEntries(files.map((f) => [f, existsSync(f) ? statSync(f).size : 0]));
}

/** The last lines of a log file after `from`, read from its end so a large log costs no more than a small one. */
export function tailFile(file: string, lines = 25, from = 0, maxBytes = 64 * 1024): string {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(from, size - maxBytes, 0);
    const buf = Buffer.alloc(Math.max(size - start, 0));
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** Tails of every non-empty log, each headed by its path, for an error message. */
export function logTails(files: string[], since: LogOffsets = {}, lines = 25): string {
  return files
    .map((f) => [f, tailFile(f, lines, since[f] ?? 0)] as const)
    .filter(([, text]) => text !== '')
    .map(([f, text]) => `--- last lines of ${f}\n${text}`)
    .join('\n');
}
