import { TracehoundError } from '@tracehound/errors';
import { run } from './exec.js';

const INSTALL = 'install it with: apt-get install openjdk-17-jre-headless maven';
/** Kafka 4 brokers and Quarkus 3 (Apicurio Registry 3) both need Java 17. */
export const MIN_JAVA = 17;

function missing(what: string, command: string, cause: unknown, extra = ''): TracehoundError {
  return new TracehoundError('TH_ERR_MISSING_TOOL', `${what} is needed but \`${command}\` ${extra || 'was not found'}; ${INSTALL}`, {
    cause,
    details: { tool: command },
  });
}

/** Major version from `java -version` output: `openjdk version "17.0.15"` or `java version "1.8.0_392"`. */
export function javaMajor(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

export async function checkJava(java: string): Promise<number> {
  const r = await run(java, ['-version'], { timeoutMs: 30_000 }).catch((cause) => {
    throw missing(`Java ${MIN_JAVA} or newer`, java, cause);
  });
  const major = javaMajor(r.output);
  if (r.code !== 0 || major === undefined) throw missing(`Java ${MIN_JAVA} or newer`, java, undefined, `did not report a version (${r.output.trim().split('\n')[0] ?? ''})`);
  if (major < MIN_JAVA) throw missing(`Java ${MIN_JAVA} or newer`, java, undefined, `is Java ${major}`);
  return major;
}

/** Maven is needed only to download; a warm cache starts without it. */
export async function checkMaven(mvn: string): Promise<void> {
  const r = await run(mvn, ['-v'], { timeoutMs: 60_000 }).catch((cause) => {
    throw missing('Maven (to download Kafka and the registry from Maven Central)', mvn, cause);
  });
  if (r.code !== 0) throw missing('Maven', mvn, undefined, `failed: ${r.output.trim().split('\n')[0] ?? ''}`);
}
