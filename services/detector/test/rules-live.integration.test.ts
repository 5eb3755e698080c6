import t from 'tap';
import { eventually } from '@tracehound/testkit';
import { buildDetector } from '../src/app.js';
import { at, baseRule } from './fixtures/rules.js';
import { detectorKafka } from './fixtures/kafka.js';

/**
 * Rules change through the compacted rules topic while the detector runs: added, changed,
 * refused when invalid (the old one keeps firing), disabled and deleted, with no restart.
 * A marker rule on ptrace events tells when everything produced before it has been evaluated.
 */
t.test('rules added, changed, refused, disabled and deleted through the topic take effect live', async (t) => {
  const k = await detectorKafka('rules-live');
  t.teardown(() => k.close());
  const app = buildDetector(k.settings, { kafka: k.kafka, logger: k.logger });
  t.teardown(() => app.close());
  await k.sendRule('list:shells', ['bash', 'sh']);
  await k.sendRule('marker', { ...baseRule, id: 'marker', condition: { fact: 'kind', operator: 'equal', value: 'ptrace' } });
  await app.start();
  t.equal(app.store.set.rules.length, 1, 'loaded the topic at start');

  const shell = (over: Record<string, unknown> = {}) => ({ ...baseRule, id: 'shell', condition: { all: [{ fact: 'kind', operator: 'equal', value: 'process_exec' }, { fact: 'process.comm', operator: 'inList', value: 'shells' }] }, ...over });
  const alertsFor = (eventId: string) => k.alerts.filter((a) => a.event.id === eventId);
  let n = 0;
  /** Sends events then a marker; resolves when the marker's alert is in, so the events were evaluated. */
  const probe = async (...events: ReturnType<typeof at>[]) => {
    const m = at('ptrace', 0, `marker-${++n}`);
    await k.sendEvents([...events, m]);
    await eventually(() => (alertsFor(m.id).length ? true : undefined), 30_000, `marker ${m.id}`);
  };
  const exec = (id: string, comm: string) => {
    const e = at('process_exec', 0, id);
    e.process = { ...e.process!, comm };
    return e;
  };

  await k.sendRule('shell', shell());
  await eventually(() => app.store.set.get('shell'), 20_000, 'rule added');
  await probe(exec('e1', 'bash'));
  t.equal(alertsFor('e1').length, 1, 'added rule fires');
  t.equal(alertsFor('e1')[0]!.rule.version, 1);

  await k.sendRule('shell', shell({ version: 2, condition: { fact: 'process.comm', operator: 'equal', value: 'zsh' } }));
  await eventually(() => (app.store.set.get('shell')?.version === 2 ? true : undefined), 20_000, 'rule changed');
  await probe(exec('e2', 'bash'), exec('e3', 'zsh'));
  t.same([alertsFor('e2').length, alertsFor('e3').length], [0, 1], 'changed rule fires on the new condition only');
  t.equal(alertsFor('e3')[0]!.rule.version, 2);

  await k.sendRule('shell', shell({ version: 3, condition: { fact: 'process.comm', operator: 'equalz', value: 'zsh' } }));
  await eventually(() => (app.ruleErrors().some((e) => e.key === 'shell') ? true : undefined), 20_000, 'rule refused');
  t.match(app.ruleErrors()[0]!.reason, /condition\.operator: unknown operator "equalz"/);
  await probe(exec('e4', 'zsh'));
  t.equal(alertsFor('e4').length, 1, 'the old rule keeps firing after an invalid change');
  t.equal(alertsFor('e4')[0]!.rule.version, 2);

  await k.sendRule('shell', shell({ version: 4, enabled: false, condition: { fact: 'process.comm', operator: 'equal', value: 'zsh' } }));
  await eventually(() => (app.store.set.get('shell') ? undefined : true), 20_000, 'rule disabled');
  t.equal(app.ruleErrors().length, 0, 'a valid record clears the error');
  await probe(exec('e5', 'zsh'));
  t.equal(alertsFor('e5').length, 0, 'disabled rule is quiet');

  await k.sendRule('shell', shell({ version: 5, condition: { fact: 'process.comm', operator: 'equal', value: 'zsh' } }));
  await eventually(() => app.store.set.get('shell'), 20_000, 'rule enabled');
  await k.sendRule('shell', null);
  await eventually(() => (app.store.set.get('shell') ? undefined : true), 20_000, 'rule deleted');
  await probe(exec('e6', 'zsh'));
  t.equal(alertsFor('e6').length, 0, 'deleted rule is quiet');
  t.ok(app.ready());

  // An undecodable event goes to the dead-letter topic with its reason; the partition goes on.
  const dead: Array<{ code?: string; reason?: string }> = [];
  const dlq = k.kafka.consumer({ groupId: `${k.prefix}-dlq` });
  await dlq.connect();
  await dlq.subscribe({ topics: [k.topics.dead], fromBeginning: true });
  await dlq.run({ eachMessage: async ({ message }) => void dead.push({ code: message.headers?.['tracehound.error.code']?.toString(), reason: message.headers?.['tracehound.error.reason']?.toString() }) });
  t.teardown(() => dlq.disconnect());
  await k.sendRaw('pod-a', Buffer.from('not avro at all'));
  await probe();
  await eventually(() => (dead.length ? true : undefined), 20_000, 'dead letter');
  t.equal(dead[0]!.code, 'TH_ERR_DECODE');
  t.match(dead[0]!.reason, /magic byte/);
});
