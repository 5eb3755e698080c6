import t from 'tap';
import { TOPICS, specOf, topicName, valueSubject, type TopicId } from '../src/index.js';

t.test('topic names and specs', async (t) => {
  t.equal(topicName('tracehound', 'eventsRaw'), 'tracehound.events.raw');
  t.equal(topicName('acme', 'rules'), 'acme.rules');
  t.equal(valueSubject('tracehound.alerts'), 'tracehound.alerts-value');
  t.equal(specOf('tracehound', 'tracehound.rules').config['cleanup.policy'], 'compact');
  t.equal(TOPICS.alerts.value, 'tracehound.Alert');
});

t.test('an unknown topic is an error naming it', async (t) => {
  t.throws(() => topicName('tracehound', 'eventz' as TopicId), { code: 'TH_ERR_UNKNOWN_TOPIC', message: /unknown topic "eventz"/ });
  t.throws(() => specOf('tracehound', 'tracehound.nope'), { code: 'TH_ERR_UNKNOWN_TOPIC', message: /"tracehound.nope" is not a Tracehound topic/ });
});
