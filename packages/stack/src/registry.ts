import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import { cached } from './cache.js';
import { fingerprintArg, markerArg, type Component } from './component.js';
import { runMaven } from './maven.js';
import { HOST, layout, type StackSettings } from './settings.js';
import { checkMaven } from './tools.js';

/** The path clients use: Apicurio's Confluent-compatible API. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

/**
 * Apicurio publishes a runnable build only as the `all` zip of apicurio-registry-app. 3.0.9 has
 * it (a Quarkus legacy-jar: <name>-runner.jar + lib/); 3.3.2 and 3.3.3 ship only a thin jar and
 * 3.1.4 does not exist. Newer Quarkus builds use quarkus-app/quarkus-run.jar; accept both.
 */
function runnerJar(dir: string): string {
  const fast = join(dir, 'quarkus-app', 'quarkus-run.jar');
  if (existsSync(fast)) return fast;
  const legacy = readdirSync(dir).find((f) => f.endsWith('-runner.jar'));
  if (legacy) return join(dir, legacy);
  throw new TracehoundError('TH_ERR_STACK', `no quarkus-run.jar or *-runner.jar in ${dir}; remove it to download again`);
}

async function registryApp(s: StackSettings): Promise<string> {
  const coords = `io.apicurio:apicurio-registry-app:${s.registry.version}:zip:all`;
  const { dir } = await cached(join(s.cacheDir, `apicurio-registry-${s.registry.version}`), async (tmp) => {
    await checkMaven(s.mvn);
    // Without a project Maven writes its unpack markers under a literal `${project.basedir}`
    // in the working directory: run it from a scratch directory outside the unpacked tree.
    const scratch = `${tmp}.mvn`;
    await mkdir(scratch, { recursive: true });
    try {
      await runMaven({ mvn: s.mvn, repo: s.mavenRepo, cwd: scratch }, ['dependency:unpack', `-Dartifact=${coords}`, `-DoutputDirectory=${tmp}`], `Apicurio Registry ${s.registry.version} (${coords}; 3.0.9 is known to have it)`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
  return runnerJar(dir);
}

/**
 * System properties read from the app's own application.properties (unzip -p the runner jar):
 * `apicurio.storage.kind` is `sql` (H2 in memory by default) or `kafkasql` (a journal topic,
 * replayed on start, so schemas survive restarts). `apicurio.rules.global.compatibility` is the
 * default rule for subjects with none of their own; Apicurio's default is no rule at all.
 */
export function registryArgs(s: StackSettings, scratch: string): string[] {
  const storage = s.registry.storage === 'kafkasql'
    ? ['-Dapicurio.storage.kind=kafkasql', `-Dapicurio.kafkasql.bootstrap.servers=${HOST}:${s.kafka.port}`]
    : ['-Dapicurio.storage.kind=sql', '-Dapicurio.storage.sql.kind=h2'];
  return [
    `-Xmx${s.registry.heap}`,
    '-XX:+ExitOnOutOfMemoryError',
    `-Djava.io.tmpdir=${scratch}`,
    `-Dquarkus.http.host=${HOST}`,
    `-Dquarkus.http.port=${s.registry.port}`,
    ...storage,
    `-Dapicurio.rules.global.compatibility=${s.registry.compatibility}`,
    `-Dapicurio.storage.snapshot.location=${scratch}`,
    `-Dapicurio.import.work-dir=${scratch}`,
  ];
}

export function registryComponent(s: StackSettings): Component {
  const dirs = layout(s);
  const outFile = join(dirs.logs, 'registry.log');
  const base = `http://${HOST}:${s.registry.port}`;
  const marker = markerArg(s, 'registry');
  // Kafka's port is in the fingerprint too: a kafkasql registry follows the broker.
  const fingerprint = fingerprintArg({ ...s.registry, kafkaPort: s.kafka.port });
  return {
    name: 'registry',
    ports: [{ port: s.registry.port, what: 'the schema registry HTTP API', variable: 'TRACEHOUND_REGISTRY_PORT' }],
    endpoint: `${base}${CCOMPAT_PATH} (storage ${s.registry.storage}, default compatibility ${s.registry.compatibility})`,
    outFile,
    logFiles: [outFile],
    marker,
    fingerprint,
    async prepare() {
      const jar = await registryApp(s);
      const scratch = join(dirs.registry, 'tmp');
      await mkdir(scratch, { recursive: true });
      return { command: s.java, args: [...registryArgs(s, scratch), marker, fingerprint, '-jar', jar], cwd: dirs.registry };
    },
    async probe() {
      const url = `${base}${CCOMPAT_PATH}/subjects`;
      let status: number;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
        status = res.status;
        await res.body?.cancel();
      } catch (cause) {
        throw new TracehoundError('TH_ERR_UNREACHABLE', `the registry at ${url} does not answer: ${errorMessage(cause)}`, { cause });
      }
      if (status !== 200) throw new TracehoundError('TH_ERR_UNREACHABLE', `the registry at ${url} answered HTTP ${status}`);
    },
  };
}
