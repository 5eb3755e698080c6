import t from 'tap';
import { OwnerResolver, type OwnerGetter } from '../../src/cache/owners.js';

const rs = { kind: 'ReplicaSet', name: 'web-7d4', uid: 'rs-1' };

t.test('ReplicaSet → Deployment and Job → CronJob, one request per owner', async (t) => {
  const calls: string[] = [];
  const get: OwnerGetter = async (kind, _ns, name) => {
    calls.push(`${kind}/${name}`);
    return kind === 'ReplicaSet' ? { uid: 'rs-1', owner: { kind: 'Deployment', name: 'web', uid: 'd' } } : { uid: 'j', owner: { kind: 'CronJob', name: 'nightly', uid: 'c' } };
  };
  const r = new OwnerResolver({ get });
  t.equal(r.cached('ns', rs), undefined, 'unknown until asked');
  const [a, b] = await Promise.all([r.resolve('ns', rs), r.resolve('ns', rs)]);
  t.same(a, { kind: 'Deployment', name: 'web' });
  t.same(b, a);
  t.same(r.cached('ns', rs), a, 'cached after');
  t.same(calls, ['ReplicaSet/web-7d4'], 'concurrent asks share one request');
  t.same(await r.resolve('ns', { kind: 'Job', name: 'nightly-29', uid: 'j' }), { kind: 'CronJob', name: 'nightly' });
});

t.test('other owners are the workload themselves; no owner, no workload', async (t) => {
  const r = new OwnerResolver({ get: async () => { throw new Error('not called'); } });
  t.same(r.cached('ns', { kind: 'StatefulSet', name: 'db', uid: 's' }), { kind: 'StatefulSet', name: 'db' });
  t.equal(r.cached('ns', null), null);
});

t.test('a ReplicaSet without a Deployment is its own workload', async (t) => {
  const r = new OwnerResolver({ get: async () => ({ uid: 'rs-1', owner: null }) });
  t.same(await r.resolve('ns', rs), { kind: 'ReplicaSet', name: 'web-7d4' });
});

t.test('a failed lookup (403, timeout) leaves the workload empty, briefly, and is reported', async (t) => {
  let fail = true;
  const reported: string[] = [];
  const r = new OwnerResolver({
    get: async () => {
      if (fail) throw Object.assign(new Error('HTTP 403'), { code: 403 });
      return { uid: 'rs-1', owner: { kind: 'Deployment', name: 'web', uid: 'd' } };
    },
    onLookup: (result, kind) => reported.push(`${kind}:${result}`),
    failureTtlMs: 50,
  });
  t.equal(await r.resolve('ns', rs), null);
  t.equal(r.cached('ns', rs), null, 'the failure is cached');
  fail = false;
  await new Promise((res) => setTimeout(res, 60));
  t.equal(r.cached('ns', rs), undefined, 'and expires');
  t.same(await r.resolve('ns', rs), { kind: 'Deployment', name: 'web' });
  t.same(reported, ['ReplicaSet:error', 'ReplicaSet:ok']);
});

t.test('a hung lookup times out', async (t) => {
  const r = new OwnerResolver({ get: () => new Promise(() => undefined), timeoutMs: 50 });
  t.equal(await r.resolve('ns', rs), null);
});
