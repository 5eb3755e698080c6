import t from 'tap';
import { selectRows } from '@tracehound/clickhouse';
import { DB, scratchDir, testApi } from './helpers.js';

t.test('first start: one admin with a generated password, shown once; a second start creates none', async (t) => {
  const dir = scratchDir();
  const a = await testApi(t, {}, dir);
  t.match(a.adminPassword, /^[A-Za-z0-9_-]{32}$/, 'a long generated password');
  t.ok(a.admin, 'the admin can log in with it');
  const users = await selectRows<{ username: string; password_hash: string }>(a.ch, `SELECT username, password_hash FROM ${DB}.users FINAL`);
  t.same(users.map((u) => u.username), ['admin']);
  t.match(users[0]!.password_hash, /^scrypt\$16384\$8\$1\$/, 'stored as an scrypt hash');
  t.notMatch(users[0]!.password_hash, a.adminPassword);
  await a.api.close();
  await a.ch.close();
  let again = 0;
  const b = await testApi(t, { onFirstAdmin: () => void again++ }, dir);
  t.equal(again, 0, 'no new admin at the next start');
  t.equal(b.adminPassword, '');
});

t.test('login, me, logout; wrong passwords and bad tokens are 401', async (t) => {
  const a = await testApi(t);
  t.match(await a.get('/api/v1/auth/me', a.admin), { status: 200, body: { username: 'admin', role: 'admin', namespaces: '*', auth: 'session' } });
  t.match(await a.send('POST', '/api/v1/auth/login', undefined, { username: 'admin', password: 'wrong password' }), { status: 401, body: { error: 'TH_ERR_UNAUTHENTICATED' } });
  t.match(await a.send('POST', '/api/v1/auth/login', undefined, { username: 'nobody', password: 'x' }), { status: 401 });
  t.equal((await a.get('/api/v1/events', '')).status, 401, 'no token');
  t.equal((await a.get('/api/v1/events', 'ths_' + 'A'.repeat(43))).status, 401, 'unknown token');
  t.equal((await a.get('/api/v1/events', 'garbage')).status, 401, 'malformed token');
  t.equal((await a.send('POST', '/api/v1/auth/logout', a.admin)).status, 200);
  t.equal((await a.get('/api/v1/auth/me', a.admin)).status, 401, 'a logged-out session is dead at once');
});

t.test('an expired session is refused', async (t) => {
  const a = await testApi(t, { sessionTtlMs: 300 });
  t.equal((await a.get('/api/v1/auth/me', a.admin)).status, 200);
  await new Promise((r) => setTimeout(r, 400));
  t.match(await a.get('/api/v1/auth/me', a.admin), { status: 401, body: { error: 'TH_ERR_UNAUTHENTICATED' } });
});

t.test('API tokens: shown once, stored hashed, listed without the secret, revocable', async (t) => {
  const a = await testApi(t);
  const created = await a.send('POST', '/api/v1/tokens', a.admin, { name: 'ci' });
  t.equal(created.status, 201);
  const token = created.body.token as string;
  t.match(token, /^tha_/);
  t.match(await a.get('/api/v1/auth/me', token), { status: 200, body: { username: 'admin', auth: 'token' } });
  const list = await a.get('/api/v1/tokens', a.admin);
  t.equal(list.body.items.length, 1);
  t.notOk(JSON.stringify(list.body).includes(token), 'the list never shows the token');
  const stored = await selectRows<{ token_hash: string }>(a.ch, `SELECT token_hash FROM ${DB}.api_tokens FINAL`);
  t.notOk(stored.some((s) => s.token_hash.includes(token)), 'only hashes at rest');
  const viewer = await a.user('viewer', ['shop']);
  t.equal((await a.send('DELETE', `/api/v1/tokens/${created.body.info.id}`, viewer)).status, 404, 'another user cannot revoke it (nor learn it exists)');
  t.equal((await a.send('DELETE', `/api/v1/tokens/${created.body.info.id}`, a.admin)).status, 200);
  t.equal((await a.get('/api/v1/auth/me', token)).status, 401, 'revoked at once');
});

t.test('users: admin only; a disabled user is locked out; a role change applies at once', async (t) => {
  const a = await testApi(t);
  const viewer = await a.user('viewer', ['shop'], 'vera');
  t.equal((await a.get('/api/v1/users', viewer)).status, 403);
  t.equal((await a.send('POST', '/api/v1/users', viewer, { username: 'x', password: 'long enough password', role: 'admin', namespaces: '*' })).status, 403);
  t.equal((await a.send('POST', '/api/v1/users', a.admin, { username: 'vera', password: 'long enough password', role: 'viewer', namespaces: '*' })).status, 409);
  t.equal((await a.send('POST', '/api/v1/users', a.admin, { username: 'short', password: 'short', role: 'viewer', namespaces: '*' })).status, 400);
  t.match(await a.send('PATCH', '/api/v1/users/vera', a.admin, { role: 'analyst', namespaces: ['shop', 'billing'] }), { status: 200, body: { role: 'analyst', namespaces: ['shop', 'billing'] } });
  t.match(await a.get('/api/v1/auth/me', viewer), { body: { role: 'analyst' } });
  t.equal((await a.send('PATCH', '/api/v1/users/vera', a.admin, { disabled: true })).status, 200);
  t.equal((await a.get('/api/v1/auth/me', viewer)).status, 401);
  t.equal((await a.send('POST', '/api/v1/auth/login', undefined, { username: 'vera', password: 'correct horse battery staple' })).status, 401);
});
