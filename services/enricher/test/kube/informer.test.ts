import t from 'tap';
import { TracehoundError } from '@tracehound/errors';
import { silentLogger } from '@tracehound/logging';
import type { KubeApi, WatchEventType } from '../../src/adapters/kube-api.js';
import { Informer, type ListReason, type RestartReason } from '../../src/kube/informer.js';

/** A scripted API: each watch call takes the next script, which drives events and the end. */
type WatchScript = (emit: (type: WatchEventType, obj: unknown) => void, done: (err: TracehoundError | null) => void) => void;

function fakeApi(lists: Array<() => { items: unknown[]; rv: string }>, watches: WatchScript[]) {
  const calls = { lists: 0, watchRvs: [] as string[] };
  const api: KubeApi = {
    server: 'fake',
    async list() {
      const next = lists[Math.min(calls.lists++, lists.length - 1)]!();
      return { items: next.items, resourceVersion: next.rv };
    },
    async watch(_r, rv, _s, onEvent, onDone) {
      calls.watchRvs.push(rv);
      const script = watches.shift();
      if (script) setTimeout(() => script(onEvent, onDone), 5);
      return { abort: () => undefined };
    },
    getOwner: async () => ({ uid: '', owner: null }),
  };
  return { api, calls };
}

const obj = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });
const forbidden = new TracehoundError('TH_ERR_KUBE_FORBIDDEN', 'listing pods: HTTP 403', { details: { status: 403 } });

function informer(api: KubeApi) {
  const seen = { replaced: [] as unknown[][], upserts: [] as string[], lists: [] as ListReason[], restarts: [] as RestartReason[], errors: [] as string[] };
  const inf = new Informer({
    resource: 'pods', api, logger: silentLogger(), resyncMs: 60_000, backoff: { initialDelayMs: 10, maxDelayMs: 20 },
    handlers: {
      replace: (items) => seen.replaced.push(items),
      upsert: (o) => {
        const name = (o as { metadata: { name: string } }).metadata.name;
        if (name === 'boom') throw new Error('handler bug');
        seen.upserts.push(name);
      },
      remove: () => undefined,
    },
    onList: (r) => seen.lists.push(r),
    onRestart: (r) => seen.restarts.push(r),
    onError: (e, op) => seen.errors.push(`${op}:${e.details.status ?? e.code}`),
  });
  return { inf, seen };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('clean close resumes from the last resourceVersion; 410 Gone re-lists', async (t) => {
  const { api, calls } = fakeApi([() => ({ items: [obj('a', '5')], rv: '10' })], [
    (emit, done) => { emit('ADDED', obj('b', '11')); emit('BOOKMARK', obj('', '15')); done(null); },
    (emit) => emit('ERROR', { kind: 'Status', code: 410, message: 'too old resource version' }),
  ]);
  const { inf, seen } = informer(api);
  inf.start();
  t.teardown(() => inf.stop());
  await until(() => seen.lists.length >= 2);
  t.same(calls.watchRvs.slice(0, 2), ['10', '15'], 'second watch starts at the bookmark');
  t.same(seen.restarts.slice(0, 2), ['closed', 'gone']);
  t.same(seen.lists.slice(0, 2), ['initial', 'gone']);
  t.same(seen.upserts, ['b']);
  t.ok(inf.synced);
});

t.test('a failing list (403) backs off and retries; never synced meanwhile, errors reported', async (t) => {
  let n = 0;
  const { api } = fakeApi([() => {
    if (n++ < 3) throw forbidden;
    return { items: [], rv: '1' };
  }], []);
  const { inf, seen } = informer(api);
  inf.start();
  t.teardown(() => inf.stop());
  t.equal(await inf.waitSynced(5), false);
  await until(() => inf.synced);
  t.same(seen.errors, ['list:403', 'list:403', 'list:403']);
  t.same(seen.lists, ['initial', 'error', 'error', 'error']);
});

t.test('a broken watch connection re-lists; a throwing handler does not end the watch', async (t) => {
  const { api } = fakeApi([() => ({ items: [], rv: '1' })], [
    (emit, done) => { emit('ADDED', obj('boom', '2')); emit('ADDED', obj('c', '3')); done(new TracehoundError('TH_ERR_KUBE', 'ECONNRESET', { details: { status: null } })); },
  ]);
  const { inf, seen } = informer(api);
  inf.start();
  t.teardown(() => inf.stop());
  await until(() => seen.lists.length >= 2);
  t.same(seen.upserts, ['c'], 'events after the bad one still applied');
  t.match(seen.errors[0], /^handler:/, 'the handler failure reported');
  t.equal(seen.errors[1], 'watch:TH_ERR_KUBE', 'then the broken connection');
  t.same(seen.lists.slice(0, 2), ['initial', 'error']);
  t.same(seen.restarts[0], 'error');
});

t.test('stop ends the loop', async (t) => {
  const { api } = fakeApi([() => ({ items: [], rv: '1' })], []);
  const { inf } = informer(api);
  inf.start();
  await inf.waitSynced(1_000);
  await inf.stop();
  t.pass('stopped');
});
