import t from 'tap';
import { kafkaDependencies, log4j2Properties, LOG4J_VERSION, serverProperties } from '../src/kafka-config.js';
import { pomXml } from '../src/maven.js';

function parse(props: string): Record<string, string> {
  return Object.fromEntries(props.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

t.test('server.properties describes a single-node KRaft broker on loopback', async (t) => {
  const p = parse(serverProperties({ port: 19092, controllerPort: 19093, logDir: '/data/kafka/data' }));
  t.equal(p['process.roles'], 'broker,controller');
  t.equal(p['node.id'], '1');
  t.equal(p['controller.quorum.voters'], '1@127.0.0.1:19093');
  t.equal(p.listeners, 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  t.equal(p['advertised.listeners'], 'PLAINTEXT://127.0.0.1:19092');
  t.equal(p['controller.listener.names'], 'CONTROLLER');
  t.equal(p['log.dirs'], '/data/kafka/data');
  t.equal(p['offsets.topic.replication.factor'], '1');
  t.equal(p['transaction.state.log.replication.factor'], '1');
  t.equal(p['transaction.state.log.min.isr'], '1');
  t.equal(p['auto.create.topics.enable'], 'false');
  t.equal(p['group.initial.rebalance.delay.ms'], '0');
  t.notOk(Object.values(p).some((v) => v.includes('0.0.0.0')), 'nothing listens beyond loopback');
});

t.test('paths with backslashes are escaped for the properties format', async (t) => {
  t.equal(parse(serverProperties({ port: 1, controllerPort: 2, logDir: 'C:\\x' }))['log.dirs'], 'C:\\\\x');
});

t.test('log4j2 writes the broker log to the given file', async (t) => {
  const text = log4j2Properties('/data/logs/kafka.log');
  t.match(text, /appender\.file\.fileName = \/data\/logs\/kafka\.log/);
  t.match(text, /rootLogger\.appenderRef\.file\.ref = file/);
});

t.test('the pom names the broker and a log4j2 slf4j binding on one log4j version', async (t) => {
  const deps = kafkaDependencies('4.4.0');
  t.same(deps[0], { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '4.4.0' });
  t.same(deps.filter((d) => d.groupId === 'org.apache.logging.log4j').map((d) => d.artifactId).sort(), ['log4j-api', 'log4j-core', 'log4j-slf4j-impl']);
  t.ok(deps.filter((d) => d.groupId === 'org.apache.logging.log4j').every((d) => d.version === LOG4J_VERSION));
  const pom = pomXml('kafka-4.4.0', deps);
  t.match(pom, '<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>4.4.0</version></dependency>');
  t.match(pom, '<packaging>pom</packaging>');
  t.equal(pom.match(/<dependency>/g)?.length, deps.length);
});
