// Billing on "My VE" in a real browser: a VE ordered through the API is
// moved back to 2020-02 and given usage then and this month, invoiced for
// 2020-02 by the billing engine (an invoice run), partly paid, and capped
// this month.  The owner logs in and sees the cap notice, the charges and
// the invoice; opens a metered line's days and one day's hours; opens the
// invoice's print page (also as printed).  No Content-Security-Policy
// violation on the way.  Screenshots: tests/browser/shots/self-billing-*.png.
// Exits non-zero on any failure.
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
const TOKEN = process.env.VEP_ADMIN_TOKEN || readFileSync(join(VAR, 'secrets/admin.token'), 'utf8').trim();
mkdirSync(SHOTS, { recursive: true });

const D = 86400, G = 10 ** 9, H = 3600 * 10 ** 6;

function check(cond, what) {
	if (!cond)
		throw new Error(`check failed: ${what}`);
	console.log(`ok - ${what}`);
}

function sql(q) {
	return execFileSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-uroot', '-N', '-B', 'vepanel', '-e', q],
		{ encoding: 'utf8' }).trim();
}

// usage_hour rows [hour, cpu_us, in, out] of one day and the day row, their exact sum.
function putDay(ve, day, hours) {
	let q = '';
	for (const [h, cpu, i, o] of hours)
		q += `INSERT INTO usage_hour (ve_id, t, cpu_user_us, net_in_bytes, net_out_bytes, samples, last_t)
		      VALUES ('${ve}', ${day + h * 3600}, ${cpu}, ${i}, ${o}, 3600, ${day + h * 3600 + 3599});`;
	const sum = (k) => hours.reduce((a, r) => a + r[k], 0);
	q += `INSERT INTO usage_day (ve_id, t, cpu_user_us, net_in_bytes, net_out_bytes, samples, last_t)
	      VALUES ('${ve}', ${day}, ${sum(1)}, ${sum(2)}, ${sum(3)}, ${3600 * hours.length}, ${day + 86399});`;
	sql(q);
}

async function api(method, path, body, headers = {}) {
	const r = await fetch(`${BASE}${path}`, {
		method, headers: { 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: r.status, json: await r.json().catch(() => null) };
}

function release(ve) {
	if (!/^[0-9A-F]{8}$/.test(ve))
		return;
	sql(`DELETE FROM usage_hour WHERE ve_id = '${ve}'; DELETE FROM usage_day WHERE ve_id = '${ve}';
	     DELETE FROM ve_totals WHERE ve_id = '${ve}'; DELETE FROM ve_caps WHERE ve_id = '${ve}';
	     UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id = '${ve}';
	     UPDATE ves SET state = 'deleted', state_reason = 'browser test' WHERE id = '${ve}';
	     DELETE FROM sessions WHERE kind = 'self' AND subject = '${ve}';`);
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
let veId = '';
try {
	// The VE and its history.
	const password = 'Billing-browser-' + Date.now();
	const o = await api('POST', '/api/v1/orders', {
		plan: 'WEB1', template: 'debian-12', email: `self.billing.${Date.now()}@example.com`,
		disk_quota_mb: 20000, always_on: true, lifetime_days: 30, root_password: password,
		login: ['ssh'], fs_fault_tolerance_s: 60, backup_hours: 24, firewall: 'client', ip_count: 1,
		net_quota_min_mb: 5000, net_quota_max_mb: 900000, net_out_quota_min_mb: 1000,
		net_out_quota_max_mb: 300000,
	});
	check(o.status === 201, `a VE was ordered (${o.status})`);
	veId = o.json.ve_id;
	const old = Date.UTC(2020, 1, 10) / 1000;
	const created = sql(`SELECT created_at FROM ves WHERE id = '${veId}'`);
	sql(`UPDATE ves SET created_at = ${old} WHERE id = '${veId}';
	     UPDATE ve_state_log SET at = ${old} WHERE ve_id = '${veId}' AND at = ${created};`);
	putDay(veId, Date.UTC(2020, 1, 12) / 1000, [[2, 30 * H, 80 * G, 45 * G], [9, 90 * H, 20 * G, 5 * G]]);
	const now = Math.floor(Date.now() / 1000);
	const d = new Date(now * 1000);
	const mfrom = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
	const today = now - now % D;
	const days = [];
	for (let t = mfrom; t < today && days.length < 5; t += D)
		days.push(t);
	if (days.length === 0)
		days.push(today);
	days.forEach((t, k) => putDay(veId, t, [[0, 20 * H + k, 30 * G + k * 7 * G, 12 * G],
		[8, 35 * H, 25 * G, 8 * G + k], [14, 11 * H, 9 * G, 3 * G], [21, 4 * H, 6 * G, 2 * G]]));
	sql(`REPLACE INTO ve_totals (ve_id, cpu_user_us, net_in_bytes, net_out_bytes, vmem_last_bytes,
	     disk_last_bytes, last_t) VALUES ('${veId}', ${800 * H}, ${500 * G}, ${200 * G}, 412000000,
	     3100000000, ${now - 20})`);
	const run = await api('POST', '/api/v1/admin/invoice-runs', { period: '2020-02' },
		{ Authorization: `Bearer ${TOKEN}` });
	check(run.status === 200 || run.status === 201, `the invoice run for 2020-02 answers ${run.status}`);
	const basic = { Authorization: 'Basic ' + Buffer.from(`${veId}:${password}`).toString('base64') };
	const invs = await api('GET', `/api/v1/ves/${veId}/invoices`, undefined, basic);
	check(invs.json.invoices.length === 1, 'the VE has its invoice for 2020-02');
	const number = invs.json.invoices[0].number;
	const pay = await api('POST', '/api/v1/admin/payments', {
		invoice: number, amount_minor: 1500, date: new Date(now * 1000).toISOString().slice(0, 10),
		reference: 'bank transfer 2020-02',
	}, { Authorization: `Bearer ${TOKEN}` });
	check(pay.status === 201, 'a part of it was paid');
	const period = new Date(now * 1000).toISOString().slice(0, 7);
	sql(`INSERT INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, action, throttle_kbps)
	     VALUES ('${veId}', '${period}', 'traffic_out', ${now - 5400}, 300000004096, 300000000000, 'throttle', 1000)`);
	const charges = await api('GET', `/api/v1/ves/${veId}/charges?period=${period}`, undefined, basic);

	const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);

	await page.goto(`${BASE}/self`);
	await page.getByLabel('VEid').fill(veId);
	await page.getByLabel('Root password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('#ve-id').innerText()).trim() === veId, 'the dashboard shows the VE');
	const notice = await page.locator('#cap-notice').innerText();
	check(/limited to 1 Mbit\/s/.test(notice) && /Traffic out reached its cap of 300 GB/.test(notice),
		'the cap notice says which cap and what happened');
	await page.screenshot({ path: join(SHOTS, 'self-billing-top.png') });
	const rows = await page.locator('#charges-table tr.cline').count();
	check(rows === charges.json.lines.length, `the charges table has the API's ${rows} lines`);
	check((await page.locator('#charges-total').innerText()).includes('EUR'), 'the total is shown with its currency');
	check(await page.locator(`#invoices-table a[href="/self/invoices/${number}"]`).count() === 1,
		'the invoice is listed with a link');
	await page.locator('#charges').scrollIntoViewIfNeeded();
	await page.locator('#charges').screenshot({ path: join(SHOTS, 'self-billing-charges.png') });
	await page.locator('#invoices').screenshot({ path: join(SHOTS, 'self-billing-invoices.png') });
	await page.locator('table.usage').screenshot({ path: join(SHOTS, 'self-billing-usage.png') });

	// The days behind the traffic overage, then one day's hours.
	await page.locator('#charges-table a', { hasText: 'Traffic in + out, above the included amount' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(/Traffic in \+ out/.test(await page.locator('h1').innerText()), 'the drill-down page opens');
	check(await page.locator('table.days tr.day').count() >= days.length, 'it lists the days');
	await page.screenshot({ path: join(SHOTS, 'self-billing-days.png'), fullPage: true });
	await page.locator('table.days tr.day a').first().click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('#hours tr.hour').count() >= 4, "a day's hours are shown");
	await page.screenshot({ path: join(SHOTS, 'self-billing-hours.png'), fullPage: true });

	// The invoice, on screen and as printed.
	await page.goto(`${BASE}/self#invoices`);
	await page.locator(`#invoices-table a[href="/self/invoices/${number}"]`).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('#invoice-number').innerText()).trim() === number, 'the invoice page opens');
	check(await page.locator('tr.iline').count() > 0, 'it has its lines');
	check((await page.locator('#invoice-paid').innerText()).trim() === '15.00', 'the payment is counted');
	await page.screenshot({ path: join(SHOTS, 'self-billing-invoice.png'), fullPage: true });
	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator('.invoice-tools').isVisible()), 'the navigation is not printed');
	await page.screenshot({ path: join(SHOTS, 'self-billing-invoice-print.png'), fullPage: true });
	await page.emulateMedia({ media: 'screen' });

	// A phone-sized screen: the billing tables scroll inside their cards.
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
	await phone.addCookies(await ctx.cookies());
	const p2 = await phone.newPage();
	await p2.goto(`${BASE}/self#charges`);
	const overflow = await p2.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	check(!overflow, 'the dashboard fits a phone screen without sideways scrolling');
	await p2.locator('#charges').screenshot({ path: join(SHOTS, 'self-billing-phone.png') });
	await phone.close();

	const csp = problems.filter((t) => /Content Security Policy|Refused to/i.test(t));
	check(csp.length === 0, `no CSP violations (${csp.join(' | ')})`);
	await ctx.close();
} catch (e) {
	console.error(`FAIL: ${e.message}`);
	failed = true;
} finally {
	await browser.close();
	try {
		release(veId);
	} catch (e) {
		console.error(`cannot release ${veId}: ${e.message}`);
	}
}
process.exit(failed ? 1 : 0);
