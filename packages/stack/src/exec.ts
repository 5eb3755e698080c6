import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  output: string;
}

/**
 * Runs a short-lived tool (java -version, mvn, the Kafka storage tool) to completion and keeps
 * its output for error messages. A missing program rejects with code ENOENT so callers can turn
 * it into TH_ERR_MISSING_TOOL; a non-zero exit resolves, because the caller knows what it means.
 */
export function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 0, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (err && typeof err.code === 'string') return reject(err);
      resolve({ code: err ? Number(err.code ?? 1) || 1 : 0, output });
    });
  });
}

/** The last `n` lines of a long output, for an error message a person can read. */
export function lastLines(text: string, n = 20): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
