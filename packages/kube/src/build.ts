import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TracehoundError } from '@tracehound/errors';
import { kubeLayout, type KubeSettings } from './settings.js';

export interface KubeBinaries {
  etcd: string;
  apiserver: string;
}

/** The recipe: go.mod + main.go per binary and the script that builds them once. */
export const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'go', 'build.sh');

/**
 * Builds etcd and kube-apiserver from the Go module proxy into <cacheDir>/kube the first time
 * (minutes; the Go toolchain's own caches make a rebuild on the same machine quick) and returns
 * their paths; afterwards it only returns the cached paths. Build output goes to logs/kube-build.log.
 */
export async function ensureKubeBinaries(s: KubeSettings): Promise<KubeBinaries> {
  const l = kubeLayout(s);
  mkdirSync(l.logs, { recursive: true });
  const log = openSync(l.buildLog, 'a');
  try {
    const child = spawn('bash', [BUILD_SCRIPT, l.bin, s.go], { stdio: ['ignore', 'pipe', log] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), s.buildTimeoutMs);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    }).finally(() => clearTimeout(timer));
    const paths = out.trim().split('\n').filter(Boolean);
    if (code !== 0 || paths.length !== 2) {
      throw new TracehoundError('TH_ERR_STACK', `building kube-apiserver and etcd failed (exit ${code ?? 'killed: build timeout'}); see ${l.buildLog}`, { details: { log: l.buildLog } });
    }
    return { etcd: paths[0]!, apiserver: paths[1]! };
  } catch (err) {
    if (err instanceof TracehoundError) throw err;
    throw new TracehoundError('TH_ERR_MISSING_TOOL', `cannot run ${BUILD_SCRIPT}: ${(err as Error).message}`, { cause: err });
  } finally {
    closeSync(log);
  }
}
