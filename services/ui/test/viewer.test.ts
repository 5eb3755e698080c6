import t from 'tap';
import { PASSWORD, eventually, startStack, storedEvents } from './harness.js';
import { worldAlerts, worldEvents } from './seed.js';

const WORLD = 300;

t.test('a namespace-scoped viewer sees only their namespace and no controls they cannot use; expired sessions and API errors read clearly (integration)', async (t) => {
  const s = await startStack(t, 'ui-viewer');
  const now = BigInt(Date.now()) * 1_000_000n;
  const world = worldEvents(WORLD, now);
  await s.producer.sendEvents(world);
  const alerts = worldAlerts(world, 20, now);
  await s.producer.sendAlerts(alerts);
  await storedEvents(s, WORLD);
  await eventually(async () => ((await s.call('GET', '/alerts?limit=100')).body.items?.length === 20 ? true : undefined), 60_000, 'alerts stored');
  t.equal((await s.call('POST', '/users', { username: 'sam', password: PASSWORD, role: 'viewer', namespaces: ['shop'] })).status, 201);
  t.equal((await s.call('POST', '/rules', { id: 'ui-seen', name: 'Seen', description: 'd', severity: 'low', tags: ['incubating'], condition: { fact: 'kind', operator: 'equal', value: 'process_exec' }, output: 'x' })).status, 201);
  const shop = world.filter((e) => e.k8s?.namespace === 'shop');

  const page = await s.login('sam', PASSWORD);

  await t.test('role and scope are visible; no admin navigation', async (t) => {
    t.equal(await page.getByTestId('whoami-role').textContent(), 'viewer');
    t.equal(await page.getByTestId('whoami-scope').textContent(), 'shop');
    t.equal(await page.getByRole('link', { name: 'Users & tokens' }).count(), 0);
    await page.getByTestId('events-total').waitFor();
    t.equal(await page.getByTestId('events-total').textContent(), String(shop.length), 'the dashboard counts shop only');
    await page.getByTestId('pipeline').getByText(/visible with a scope of all namespaces/).waitFor();
    t.pass('agent counters withheld from a namespace scope, and said so');
    await s.shot(page, 'viewer-dashboard');
  });

  await t.test('events: only shop, even when another namespace is asked for', async (t) => {
    await page.goto(`${s.base}/ui/events?range=24h`);
    await page.getByTestId('events-count').filter({ hasText: `${shop.length} events loaded` }).waitFor();
    const namespaces = await page.locator('[role=row] [role=gridcell]:nth-child(3)').allTextContents();
    t.ok(namespaces.length > 0 && namespaces.every((n) => n === 'shop'), `every row is in shop (${namespaces.length} rows in view)`);
    await page.goto(`${s.base}/ui/events?range=24h&namespace=billing`);
    await page.getByText(/No events match these filters/).waitFor();
    t.pass('billing shows nothing');
    await page.goto(`${s.base}/ui/events?range=24h&event=${world.find((e) => e.k8s?.namespace === 'billing')!.id}`);
    await page.getByRole('dialog').getByText('Not found').waitFor();
    t.pass('an event of billing by id is "not found"');
  });

  await t.test('alerts: no workflow controls', async (t) => {
    const mine = alerts.find((a) => a.event.k8s?.namespace === 'shop')!;
    await page.goto(`${s.base}/ui/alerts?alert=${mine.id}`);
    await page.getByTestId('alert-state').waitFor();
    t.equal(await page.getByRole('button', { name: 'Acknowledge' }).count(), 0);
    t.equal(await page.getByRole('button', { name: 'Resolve' }).count(), 0);
    t.equal(await page.getByLabel('Comment').count(), 0);
    await page.keyboard.press('Escape');
    await page.getByTestId('alerts-count').waitFor();
    t.equal(await page.getByTestId('alerts-count').textContent(), `${alerts.filter((a) => a.event.k8s?.namespace === 'shop').length} alerts`);
  });

  await t.test('rules: read only — no new, no toggles, no save, no backtest', async (t) => {
    await page.goto(`${s.base}/ui/rules?rule=ui-seen`);
    await page.getByTestId('rule-editor').locator('.cm-content').waitFor();
    t.equal(await page.getByRole('button', { name: 'New rule' }).count(), 0);
    t.equal(await page.getByRole('checkbox').count(), 0);
    t.equal(await page.getByRole('button', { name: /Save/ }).count(), 0);
    t.equal(await page.getByRole('button', { name: 'Run backtest' }).count(), 0);
    t.equal(await page.getByTestId('rule-editor').locator('.cm-content').getAttribute('contenteditable'), 'false');
    await s.shot(page, 'viewer-rules');
  });

  await t.test('an admin page by URL says not allowed', async (t) => {
    await page.goto(`${s.base}/ui/users`);
    await page.getByText('Only administrators manage users and tokens.').waitFor();
    t.pass();
  });

  await t.test('a revoked session returns to the login form with a reason', async (t) => {
    await page.goto(`${s.base}/ui/dashboard`);
    await page.getByTestId('events-total').waitFor();
    const token = String(await page.evaluate("sessionStorage.getItem('tracehound.session')"));
    t.equal((await s.call('POST', '/auth/logout', {}, token)).status, 200, 'session ended behind the page');
    // The next request meets the revoked session: the click's, or one of the page's own when that
    // comes first (the layout, and the link with it, then gives way to the login form).
    const notice = page.getByText(/session has expired or was revoked/);
    await Promise.race([page.getByRole('link', { name: 'Events' }).click({ timeout: 10_000 }).catch(() => undefined), notice.waitFor()]);
    await notice.waitFor();
    t.equal(await page.getByRole('button', { name: 'Sign in' }).count(), 1);
    await s.shot(page, 'session-expired');
  });

  await t.test('API errors are readable: a bad filter names the field; bad login says so', async (t) => {
    const p2 = await s.login('sam', PASSWORD);
    await p2.goto(`${s.base}/ui/events?range=24h&uid=notanumber`);
    const err = p2.getByRole('alert').filter({ hasText: 'Could not load events' });
    await err.waitFor();
    t.match(await err.textContent(), /uid/, 'the field at fault is named');
    await s.shot(p2, 'events-bad-filter');
    const ctx = await s.browser.newContext();
    const p3 = await ctx.newPage();
    await p3.goto(`${s.base}/ui/`);
    await p3.getByLabel('User name').fill('sam');
    await p3.getByLabel('Password').fill('wrong password!');
    await p3.getByRole('button', { name: 'Sign in' }).click();
    await p3.getByText('Wrong user name or password.').waitFor();
    t.pass('a wrong password is said plainly');
    await s.shot(p3, 'login-error');
  });
});
