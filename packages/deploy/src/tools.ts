import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TracehoundError } from '@tracehound/errors';

const run = promisify(execFile);

/** The repository root, and where packages/deploy/tools/install.sh puts its tools. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TOOLS_DIR = `${REPO_ROOT}.cache/tools`;
const INSTALL = 'packages/deploy/tools/install.sh (run by scripts/setup.sh --tests)';

export const TOOLS = {
  kustomize: `${TOOLS_DIR}/bin/kustomize`,
  hadolint: `${TOOLS_DIR}/hadolint/bin/hadolint`,
  /** A Python with examples/siem-consumer-python/requirements.txt installed. */
  'siem-python': `${TOOLS_DIR}/siem-python/bin/python`,
} as const;

/** A tool's path, or a clear error naming what installs it. */
export function tool(name: keyof typeof TOOLS): string {
  const path = TOOLS[name];
  if (!existsSync(path)) throw new TracehoundError('TH_ERR_MISSING_TOOL', `${name} is not installed at ${path}; run ${INSTALL}`);
  return path;
}

/** Runs a command; its stdout, or an error carrying its stderr. */
export async function runTool(cmd: string, args: string[], cwd = REPO_ROOT): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new TracehoundError('TH_ERR_INVALID_INPUT', `${cmd} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`, { cause: err });
  }
}

/** `kustomize build <dir>`: the manifests a `kubectl apply -k <dir>` would send. */
export function renderKustomization(dir: string): Promise<string> {
  return runTool(tool('kustomize'), ['build', dir]);
}
