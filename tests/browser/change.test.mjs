// Service changes in a real browser (SPEC section 11): the owner logs in,
// follows "Change the service" from the dashboard, sends a value the rules
// refuse (the form comes back with the field's message, nothing written),
// then a good change (memory and disk), and sees how each part applies;
// this month's charges then show the part before and the part after the
// change.  Screenshots: tests/browser/shots/change-*.png.  Exits non-zero
// on any failure.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const HERE = dirname(fileURLToPath(import.meta.url));
const VAR = process.env.VEP_VAR || join(HERE, '../../var');
const SHOTS = join(HERE, 'shots');
const SOCK = process.env.VEP_DB_SOCKET || join(VAR, 'run/mysql/mysqld.sock');
mkdirSync(SHOTS, { recursive: true });

function check(cond, what) {
	if (!cond)
		throw new Error(`check failed: ${what}`);
	console.log(`ok - ${what}`);
}

function sql(q) {
	return execFileSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-uroot', '-N', '-B', 'vepanel', '-e', q],
		{ encoding: 'utf8' }).trim();
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
	const password = 'Change-browser-' + Date.now();
	const r = await fetch(`${BASE}/api/v1/orders`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ plan: 'WEB1', template: 'debian-12', email: `change.${Date.now()}@example.com`,
			disk_quota_mb: 1000, mem_max_mb: 256, always_on: true, lifetime_days: 30, root_password: password,
			login: ['ssh'], fs_fault_tolerance_s: 60, backup_hours: 24, firewall: 'client', ip_count: 1 }),
	});
	const o = await r.json();
	check(r.status === 201, 'a VE is ordered');
	const veId = o.ve_id;
	// Created a day ago, so that this month has a part before the change.
	sql(`UPDATE ves SET created_at = created_at - 86400 WHERE id = '${veId}';
	     UPDATE ve_state_log SET at = at - 86400 WHERE ve_id = '${veId}';
	     UPDATE order_history h JOIN ves v ON v.order_id = h.order_id SET h.valid_from = h.valid_from - 86400
	     WHERE v.id = '${veId}'`);

	const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	// The refused form answers 400 on purpose; any other error counts.
	page.on('console', (m) => { if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);
	await page.goto(`${BASE}/self`);
	await page.getByLabel('VEid').fill(veId);
	await page.getByLabel('Root password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	await Promise.all([page.waitForNavigation(), page.locator('#change-link').click()]);
	check((await page.locator('#f-mem_max_mb').inputValue()) === '256', 'the form shows the VE\'s values');
	await page.screenshot({ path: join(SHOTS, 'change-form.png'), fullPage: true });

	await page.locator('#f-mem_max_mb').fill('-5');
	await Promise.all([page.waitForNavigation(), page.locator('#change-submit').click()]);
	check((await page.locator('#e-mem_max_mb').innerText()).includes('cannot be negative'),
		'a refused value comes back with its message');
	check(sql(`SELECT o.mem_max_mb FROM orders o JOIN ves v ON v.order_id = o.id WHERE v.id = '${veId}'`) === '256',
		'nothing was written');
	await page.locator('#field-mem_max_mb').screenshot({ path: join(SHOTS, 'change-refused.png') });

	await page.locator('#f-mem_max_mb').fill('512');
	await page.locator('#f-disk_quota_mb').fill('20000');
	await Promise.all([page.waitForNavigation(), page.locator('#change-submit').click()]);
	const done = await page.locator('#change-done').innerText();
	check(/Maximum memory: 512 MB — applied at once/.test(done) && /Disk quota: 20000 MB/.test(done),
		'the answer says how each part applies');
	await page.screenshot({ path: join(SHOTS, 'change-done.png'), fullPage: true });

	await page.goto(`${BASE}/self#charges`);
	const items = await page.locator('#charges-table tr.cline th').allInnerTexts();
	check(items.filter((t) => /Monthly fee.*\(WEB1, \d{4}-\d\d-\d\d \d\d:\d\d to /.test(t)).length === 2,
		'the charges show the fee of each part with its dates');
	await page.locator('#charges').screenshot({ path: join(SHOTS, 'change-charges.png') });
	check(problems.length === 0, `no console errors (${problems.join(' | ')})`);
} catch (e) {
	failed = true;
	console.error(`FAIL: ${e.message}`);
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
