import t from 'tap';
import avro from 'avsc';
import { sampleEnrichedEvent } from '@tracehound/schemas';
import { projectType } from '../src/avro-projection.js';
import { readBothWays } from './fixtures/projection.js';

// What the detector's rules and the enricher's routing read of an event; the detector's tests
// prove whole rule sets give the same alerts read in part (services/detector/test/event-projection.test.ts).

t.test('a path keeps the fields along it and all of what it ends on; nothing else is read', async (t) => {
  const read = readBothWays([['kind'], ['process', 'comm'], ['process', 'ancestors', 1, 'exe'], ['process', 'ns'], ['exec'], ['k8s', 'pod_labels', 'app'], ['process', 'args', 'length'], ['no_such_field', 'x'], ['process', 'comm', 0]]);
  const { whole, part } = read(sampleEnrichedEvent('process_exec'));
  t.same(Object.keys(part), ['kind', 'process', 'exec', 'k8s'], 'top-level: only the fields named');
  t.same(Object.keys(part.process!), ['comm', 'args', 'ns', 'ancestors'], 'process: comm, args (args.length), ns whole, ancestors');
  t.same(part.process!.ns, whole.process!.ns);
  t.same(part.process!.args, whole.process!.args);
  t.equal(part.process!.ancestors.length, whole.process!.ancestors.length, 'every ancestor, each read for exe only');
  t.same(part.process!.ancestors.map((a) => Object.keys(a)), whole.process!.ancestors.map(() => ['exe']));
  t.same(part.exec, whole.exec, 'a block named whole is read whole');
  t.same(part.k8s!.pod_labels, whole.k8s!.pod_labels, 'a step into a map keeps the map');
  t.same(Object.keys(part.k8s!), ['pod_labels']);
  t.equal(read(sampleEnrichedEvent('file_open')).part.exec, null, 'a null block stays null');
  t.throws(() => projectType(avro.Type.forSchema('string'), [], {}), TypeError);
});

t.test('no paths: an empty record; a named record keeps the union of what every path asks of it', async (t) => {
  t.same(readBothWays([])(sampleEnrichedEvent('file_open')).part, {});
  const { whole, part } = readBothWays([['process', 'comm'], ['process', 'ancestors', 0, 'comm'], ['process', 'exe']])(sampleEnrichedEvent('process_exec'));
  t.same(part.process!.ancestors.map((a) => a.comm), whole.process!.ancestors.map((a) => a.comm));
  t.same(Object.keys(part.process!), ['comm', 'exe', 'ancestors']);
});
