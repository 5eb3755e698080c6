import t from 'tap';
import { sampleAlert } from '@tracehound/schemas';
import { eventually, insertEvents, startStack, storedEvents } from './harness.js';
import { agentStats, hugeEvent, isCurl, worldAlerts, worldEvents } from './seed.js';

const WORLD = 600;
const ALERTS = 12;
const BULK = 20_000;

t.test('the web UI on the real API, sink, Kafka and chDB, driven in Chromium (integration)', async (t) => {
  const s = await startStack(t, 'ui-admin');
  const now = BigInt(Date.now()) * 1_000_000n;
  const world = worldEvents(WORLD, now);
  const stats = agentStats(3, 2, now);
  await s.producer.sendEvents([...world, hugeEvent(now), ...stats]);
  await s.producer.sendAlerts(worldAlerts(world, ALERTS, now));
  // A namespace of its own with many rows, for the virtualised table (written as the sink writes them).
  const bulk = Array.from({ length: BULK }, (_, i) => {
    const e = structuredClone(world[i % 3 === 0 ? 0 : 3]!);
    return { ...e, id: `bulk-${i}`, ts: now - BigInt(i + 1) * 50_000_000n, k8s: { ...e.k8s!, namespace: 'bulk', pod: `bulk-${i % 9}` } };
  });
  await insertEvents(s, bulk);
  const total = WORLD + 1 + stats.length + BULK;
  await storedEvents(s, total);
  await eventually(async () => ((await s.call('GET', '/alerts?limit=100')).body.items?.length === ALERTS ? true : undefined), 60_000, 'alerts stored');
  const rule = { id: 'ui-curl', name: 'curl in a container', description: 'curl ran in a pod.', severity: 'medium', tags: ['incubating'],
    condition: { all: [{ fact: 'kind', operator: 'equal', value: 'process_exec' }, { fact: 'process.comm', operator: 'equal', value: 'curl' }] }, output: 'curl in {k8s.namespace}' };
  t.equal((await s.call('POST', '/rules', rule)).status, 201, 'a rule to edit');

  const page = await s.login('admin', s.adminPassword);

  await t.test('log in: role and scope are shown', async (t) => {
    t.equal(await page.getByTestId('whoami-role').textContent(), 'admin');
    t.equal(await page.getByTestId('whoami-scope').textContent(), 'all namespaces');
    t.match(page.url(), /\/ui\/dashboard$/);
  });

  await t.test('dashboard: charts render with the stored totals; pipeline loss is shown', async (t) => {
    await page.getByTestId('events-total').waitFor();
    t.equal(await page.getByTestId('events-total').textContent(), total.toLocaleString('en-US'), 'events in 24 h = every stored event');
    t.equal(await page.getByTestId('alerts-total').textContent(), String(ALERTS));
    for (const id of ['events-chart', 'alerts-chart']) {
      await page.locator(`[data-testid=${id}][data-rendered=true] canvas`).first().waitFor();
      const box = await page.locator(`[data-testid=${id}] canvas`).first().boundingBox();
      t.ok(box && box.width > 200 && box.height > 100, `${id} is drawn (${box?.width}x${box?.height})`);
    }
    await page.getByTestId('agent-kernel-drops').waitFor();
    t.equal(await page.getByTestId('agent-kernel-drops').textContent(), '6', 'kernel drops from agent_stats events');
    t.match(await page.getByTestId('pipeline').textContent(), /6 events lost or unreadable/);
    t.equal(await page.getByTestId('stored-events').textContent(), total.toLocaleString('en-US'));
    t.match(await page.getByTestId('top-process').textContent(), /python3/, 'top processes listed');
    t.match(await page.getByTestId('top-pod').textContent(), /bulk\/bulk-/, 'top pods listed');
    await s.shot(page, 'dashboard');
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('1h');
    await page.getByRole('combobox', { name: 'Auto-refresh' }).selectOption('10000');
    t.match(page.url(), /range=1h/, 'the range is in the URL');
    t.match(page.url(), /refresh=10000/, 'so is auto-refresh');
    await page.getByTestId('events-total').filter({ hasText: total.toLocaleString('en-US') }).waitFor();
    t.pass('every seeded event is within the last hour too');
  });

  await t.test('events: filters live in the URL; the drawer shows the ancestry tree and Kubernetes context', async (t) => {
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await page.getByLabel('Namespace', { exact: true }).fill('shop');
    await page.getByLabel('Kind', { exact: true }).fill('process_exec');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const expected = world.filter((e) => e.k8s?.namespace === 'shop' && e.kind === 'process_exec').length;
    await page.getByTestId('events-count').filter({ hasText: `${expected} events loaded` }).waitFor();
    t.match(page.url(), /namespace=shop/);
    t.match(page.url(), /kind=process_exec/);
    // A shared link shows the same rows.
    await page.reload();
    await page.getByTestId('events-count').filter({ hasText: `${expected} events loaded` }).waitFor();
    t.equal(await page.getByLabel('Namespace', { exact: true }).inputValue(), 'shop', 'the form shows the filters of the link');
    await page.getByRole('row').nth(1).click();
    const tree = page.getByTestId('ancestry-tree');
    await tree.waitFor();
    const text = await tree.textContent();
    for (const comm of ['systemd', 'containerd-shim', 'nginx']) t.match(text, comm, `ancestor ${comm} in the tree`);
    t.equal(await tree.getByRole('treeitem').count(), 5, 'four ancestors and the process');
    t.match(await page.getByTestId('k8s-context').textContent(), /shop/);
    t.match(await page.getByTestId('raw-record').textContent(), /"namespace": "shop"/);
    t.ok(await page.getByTestId('related-events').count() >= 0);
    await s.shot(page, 'event-detail');
    await page.keyboard.press('Escape');
    t.notMatch(page.url(), /event=/, 'Escape closes the drawer');
  });

  await t.test('events: a 10 kB argv and a 4 kB path render legibly; the page does not widen', async (t) => {
    await page.goto(`${s.base}/ui/events?range=24h&event=huge-1`);
    const args = page.getByTestId('event-args');
    await args.waitFor();
    t.match(await args.textContent(), /show all 10,2\d\d characters of the arguments/);
    t.match(await page.getByTestId('event-path').textContent(), /show all 4,1\d\d characters of the path/);
    await args.getByRole('button').click();
    t.match(await args.textContent(), /x{10000}/, 'the whole argv on request');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    t.ok(overflow <= 0, `no horizontal overflow (${overflow} px)`);
    await s.shot(page, 'event-huge');
  });

  await t.test('events: the table is virtualised — thousands of rows loaded, few in the DOM, keyboard moves through them', async (t) => {
    await page.goto(`${s.base}/ui/events?range=24h&namespace=bulk`);
    await page.getByTestId('events-count').filter({ hasText: /1,000 events loaded/ }).waitFor();
    const body = page.getByTestId('vtable-body');
    const loadedNow = async () => Number(/([\d,]+) events loaded/.exec((await page.getByTestId('events-count').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
    // Scrolling to the end asks for the next page; keep scrolling as pages arrive.
    const deadline = Date.now() + 60_000;
    while ((await loadedNow()) < 5000 && Date.now() < deadline) {
      await body.evaluate((el) => {
        const box = el as unknown as { scrollTo(x: number, y: number): void; scrollHeight: number };
        box.scrollTo(0, box.scrollHeight);
      });
      await page.waitForTimeout(250);
    }
    const loaded = await loadedNow();
    const inDom = await page.locator('[role=row]').count();
    t.ok(loaded >= 5000, `${loaded} rows loaded`);
    t.ok(inDom < 80, `${inDom} rows in the DOM`);
    await page.getByRole('grid', { name: 'Events' }).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Event detail' }).waitFor();
    t.match(page.url(), /event=bulk-1(&|$)/, 'Enter opens the second row');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Event detail' }).waitFor({ state: 'hidden', timeout: 5_000 });
    t.notMatch(page.url(), /event=/, 'Escape closes it');
  });

  await t.test('alerts: one produced now arrives live; detail, acknowledge and history', async (t) => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('alerts-count').filter({ hasText: `${ALERTS} alerts` }).waitFor();
    const ev = world[0]!;
    const sent = Date.now();
    await s.producer.sendAlerts([sampleAlert({ id: 'live-ui-1', ts: BigInt(Date.now()) * 1_000_000n, severity: 'critical', event: ev, message: 'a live one from the test', rule: { id: 'rule-live', name: 'Live rule', version: 1 } })]);
    const row = page.getByRole('row').filter({ hasText: 'a live one from the test' });
    await row.waitFor({ timeout: 15_000 });
    t.pass(`arrived in ${Date.now() - sent} ms`);
    t.match(await row.textContent(), /new/, 'marked as new');
    await s.shot(page, 'alerts');
    // The sink stores it too; then its detail and workflow work.
    await eventually(async () => ((await s.call('GET', '/alerts/live-ui-1')).status === 200 ? true : undefined), 30_000, 'alert stored');
    await row.click();
    await page.getByTestId('alert-state').filter({ hasText: 'open' }).waitFor();
    t.match(await page.getByTestId('ancestry-tree').textContent(), /systemd/, 'the triggering event with its ancestry');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('alert-state').filter({ hasText: 'acknowledged' }).waitFor();
    await page.getByLabel('Comment').fill('looking into it');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.getByTestId('alert-history').filter({ hasText: 'looking into it' }).waitFor();
    t.match(await page.getByTestId('alert-history').textContent(), /admin.*ack/);
    await s.shot(page, 'alert-detail');
    await page.keyboard.press('Escape');
  });

  await t.test('rules: a validation error is shown at the field; fixed, saved and backtested; history diff', async (t) => {
    await page.goto(`${s.base}/ui/rules?rule=ui-curl`);
    const editor = page.getByTestId('rule-editor');
    await editor.locator('.cm-content').waitFor();
    const doc = JSON.parse(await editor.locator('.cm-content').innerText());
    t.equal(doc.id, 'ui-curl');
    const bad = { ...doc, condition: { all: [{ fact: 'kind', operator: 'equalz', value: 'process_exec' }, doc.condition.all[1]] } };
    const setText = async (v: unknown) => {
      await editor.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(JSON.stringify(v, null, 2));
    };
    await setText(bad);
    await page.getByRole('button', { name: 'Save new version' }).click();
    const issues = page.getByTestId('rule-issues');
    await issues.waitFor();
    t.match(await issues.textContent(), /\/condition\/all\/0/, 'the issue names the field');
    await editor.locator('.cm-lintRange-error').first().waitFor();
    t.match(await editor.locator('.cm-lintRange-error').first().textContent(), /operator|equalz/, 'marked at the field in the editor');
    await s.shot(page, 'rule-invalid');
    await setText({ ...doc, severity: 'high' });
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    t.equal(await issues.count(), 0, 'the error is gone');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-matched').waitFor({ timeout: 60_000 });
    const curlExecs = world.filter((e) => isCurl(e) && e.kind === 'process_exec').length + bulk.filter((e) => isCurl(e) && e.kind === 'process_exec').length;
    t.equal(await page.getByTestId('backtest-matched').textContent(), curlExecs.toLocaleString('en-US'), 'backtest matches = stored curl execs');
    t.ok(await page.getByTestId('backtest-result').getByRole('row').count() > 1, 'matches listed');
    await page.getByTestId('rule-history').filter({ hasText: 'v2' }).waitFor();
    const diff = page.getByTestId('rule-diff');
    t.match(await diff.locator('.del').textContent(), /"severity": "medium"/, 'diff: the old line');
    t.match(await diff.locator('.add').textContent(), /"severity": "high"/, 'diff: the new line');
    await s.shot(page, 'rules');
  });

  await t.test('users and tokens: create a scoped viewer, issue a token shown once', async (t) => {
    await page.getByRole('link', { name: 'Users & tokens' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('User name').fill('vera');
    await form.getByLabel(/^Password/).fill('correct horse battery staple');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByLabel(/^Namespaces/).fill('shop');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row').filter({ hasText: 'vera' }).waitFor();
    const tf = page.getByRole('form', { name: 'New API token' });
    await tf.getByLabel('Name').fill('siem');
    await tf.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!;
    t.match(token, /^tha_/);
    t.equal((await s.call('GET', '/auth/me', undefined, token)).status, 200, 'the token works');
    await s.shot(page, 'users');
    await page.getByRole('button', { name: 'Revoke token siem' }).click();
    await page.getByRole('row').filter({ hasText: 'siem' }).filter({ hasText: 'revoked' }).waitFor();
    t.equal((await s.call('GET', '/auth/me', undefined, token)).status, 401, 'revoked at once');
  });
});
