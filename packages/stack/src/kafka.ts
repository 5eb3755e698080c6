import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import { cached } from './cache.js';
import { fingerprintArg, markerArg, type Component } from './component.js';
import { lastLines, run } from './exec.js';
import { kafkaDependencies, log4j2Properties, serverProperties } from './kafka-config.js';
import { pomXml, runMaven } from './maven.js';
import { HOST, layout, type StackSettings } from './settings.js';
import { checkMaven } from './tools.js';

/** Downloads the broker's jars once per version into the cache. */
async function kafkaLibs(s: StackSettings): Promise<string> {
  const v = s.kafka.version;
  const { dir } = await cached(join(s.cacheDir, `kafka-${v}`), async (tmp) => {
    await checkMaven(s.mvn);
    await writeFile(join(tmp, 'pom.xml'), pomXml(`kafka-${v}`, kafkaDependencies(v)));
    await runMaven({ mvn: s.mvn, repo: s.mavenRepo, cwd: tmp }, ['dependency:copy-dependencies', '-DoutputDirectory=libs', '-DincludeScope=runtime'], `Apache Kafka ${v} (org.apache.kafka:kafka_2.13:${v})`);
  });
  return join(dir, 'libs');
}

/** KRaft refuses to start on unformatted log dirs; format once, keyed on meta.properties. */
async function formatOnce(s: StackSettings, classpath: string, logDir: string, propsFile: string, log4jFile: string): Promise<void> {
  if (existsSync(join(logDir, 'meta.properties'))) return;
  const clusterId = randomBytes(16).toString('base64url');
  const r = await run(s.java, ['-Xmx256m', `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '--config', propsFile, `--cluster-id=${clusterId}`], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new TracehoundError('TH_ERR_STACK', `formatting Kafka storage in ${logDir} failed:\n${lastLines(r.output)}`);
}

export function kafkaComponent(s: StackSettings): Component {
  const dirs = layout(s);
  const logFile = join(dirs.logs, 'kafka.log');
  const outFile = join(dirs.logs, 'kafka.out.log');
  const bootstrap = `${HOST}:${s.kafka.port}`;
  const marker = markerArg(s, 'kafka');
  const fingerprint = fingerprintArg(s.kafka);
  return {
    name: 'kafka',
    ports: [
      { port: s.kafka.port, what: 'the Kafka client listener', variable: 'TRACEHOUND_KAFKA_PORT' },
      { port: s.kafka.controllerPort, what: 'the Kafka controller listener', variable: 'TRACEHOUND_KAFKA_CONTROLLER_PORT' },
    ],
    endpoint: `bootstrap ${bootstrap} (controller ${HOST}:${s.kafka.controllerPort})`,
    outFile,
    logFiles: [logFile, outFile],
    marker,
    fingerprint,
    async prepare() {
      const libs = await kafkaLibs(s);
      const logDir = join(dirs.kafka, 'data');
      const propsFile = join(dirs.kafka, 'server.properties');
      const log4jFile = join(dirs.kafka, 'log4j2.properties');
      await mkdir(logDir, { recursive: true });
      await writeFile(propsFile, serverProperties({ port: s.kafka.port, controllerPort: s.kafka.controllerPort, logDir }));
      await writeFile(log4jFile, log4j2Properties(logFile));
      const classpath = `${libs}/*`; // the JVM expands the wildcard itself
      await formatOnce(s, classpath, logDir, propsFile, log4jFile);
      return {
        command: s.java,
        args: [`-Xmx${s.kafka.heap}`, '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jFile}`, marker, fingerprint, '-cp', classpath, 'kafka.Kafka', propsFile],
        cwd: dirs.kafka,
      };
    },
    async probe() {
      // A metadata answer means the broker and its controller are both up, which an open port
      // alone does not tell.
      const kafka = new Kafka({ clientId: 'tracehound-stack', brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 0 } });
      const admin = kafka.admin({ retry: { retries: 0 } });
      try {
        await admin.connect();
        await admin.describeCluster();
      } catch (cause) {
        throw new TracehoundError('TH_ERR_UNREACHABLE', `Kafka at ${bootstrap} does not answer metadata requests: ${errorMessage(cause)}`, { cause });
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
