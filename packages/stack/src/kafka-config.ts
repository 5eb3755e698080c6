import type { MavenDependency } from './maven.js';
import { HOST } from './settings.js';

/**
 * Log4j2 version added next to Kafka. Kafka 4 logs through slf4j 1.7 and brings log4j-api/core
 * but marks no slf4j binding for us (its distribution adds log4j-slf4j-impl itself); without one
 * the broker logs nothing. Pinning all three keeps api, core and binding on one version.
 * Checked with Kafka 4.4.0, which depends on log4j 2.25.x.
 */
export const LOG4J_VERSION = '2.25.5';

/** What `mvn dependency:copy-dependencies` must resolve to run a broker and its storage tool. */
export function kafkaDependencies(version: string): MavenDependency[] {
  const log4j = (artifactId: string) => ({ groupId: 'org.apache.logging.log4j', artifactId, version: LOG4J_VERSION });
  // kafka_2.13 (the broker, kafka.Kafka, kafka.tools.StorageTool) pulls kafka-server, -storage,
  // -raft, -metadata and the coordinators as runtime dependencies.
  return [{ groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version }, log4j('log4j-api'), log4j('log4j-core'), log4j('log4j-slf4j-impl')];
}

export interface KafkaProps {
  port: number;
  controllerPort: number;
  logDir: string;
}

/** Backslashes are escapes in .properties files; nothing else in a path needs quoting. */
const prop = (v: string) => v.replace(/\\/g, '\\\\');

/**
 * A single-node KRaft broker that is also its own controller, on loopback only. The quorum is
 * static (controller.quorum.voters) rather than formatted with --standalone, so moving the
 * controller port later needs no re-format. Internal topics get replication 1 because there is
 * one broker; topics are never auto-created so a typo in a topic name fails instead of silently
 * making a new topic.
 */
export function serverProperties(p: KafkaProps): string {
  const lines = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@${HOST}:${p.controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${p.port},CONTROLLER://${HOST}:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': prop(p.logDir),
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'auto.create.topics.enable': 'false',
    'group.initial.rebalance.delay.ms': '0',
  };
  const body = Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n');
  return `# Written by \`tracehound stack up\` on every start; edit the stack's settings, not this file.\n${body}\n`;
}

/** Log4j2 configuration: the broker's own log goes to one file under the data dir. */
export function log4j2Properties(logFile: string): string {
  return `# Written by \`tracehound stack up\`.
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${prop(logFile)}
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
# Per-request and state-change chatter drowns the lines that explain a failure.
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
`;
}
