// Every page in a real browser, checked by axe-core (zero violations, WCAG
// 2.x A/AA and best practices) and every customer page at a phone's width
// (375 px: the document does not scroll sideways and every amount is on
// screen).  The pages are found by following links: the public ones
// (order form, its answer, the logins, "Forgot password?", an error page),
// the owner's (/self and every page it links to: charges drill-down,
// invoices, notes) and the operator's (/admin and every page its menu and
// lists link to, one of each kind).  The VE looked at has history, an
// invoice with a payment and a throttled traffic cap, so the pages show
// their full tables and notices.  Screenshots: tests/browser/shots/a11y-*.png.
// Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeClean, check, crawl, narrowClean, pathPattern, softFailures } from './lib/check.mjs';

const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const HERE = dirname(fileURLToPath(import.meta.url));
const VAR = process.env.VEP_VAR || join(HERE, '../../var');
const SHOTS = join(HERE, 'shots');
const SOCK = process.env.VEP_DB_SOCKET || join(VAR, 'run/mysql/mysqld.sock');
const TOKEN = process.env.VEP_ADMIN_TOKEN || readFileSync(join(VAR, 'secrets/admin.token'), 'utf8').trim();
const ADMIN_PASS = readFileSync(join(VAR, 'secrets/admin.pass'), 'utf8').trim();
mkdirSync(SHOTS, { recursive: true });

const D = 86400, G = 10 ** 9, H = 3600 * 10 ** 6;
const PHONE = { width: 375, height: 812 };

function sql(q) {
	return execFileSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-uroot', '-N', '-B', 'vepanel', '-e', q],
		{ encoding: 'utf8' }).trim();
}

async function api(method, path, body, headers = {}) {
	const r = await fetch(`${BASE}${path}`, {
		method, headers: { 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: r.status, json: await r.json().catch(() => null) };
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

function release(ve) {
	if (!/^[0-9A-F]{8}$/.test(ve))
		return;
	sql(`DELETE FROM usage_hour WHERE ve_id = '${ve}'; DELETE FROM usage_day WHERE ve_id = '${ve}';
	     DELETE FROM ve_caps WHERE ve_id = '${ve}';
	     UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id = '${ve}';
	     UPDATE ves SET state = 'deleted', state_reason = 'browser test' WHERE id = '${ve}';
	     DELETE FROM sessions WHERE kind = 'self' AND subject = '${ve}';`);
}

// A VE on a sim node with history last month and this month, invoiced for
// 2020-02 and partly paid, its outbound traffic throttled this month.
async function richVe(password) {
	const o = await api('POST', '/api/v1/orders', {
		plan: 'WEB1', template: 'debian-12', email: `a11y.${Date.now()}@example.com`,
		disk_quota_mb: 20000, always_on: true, lifetime_days: 30, root_password: password,
		login: ['ssh'], fs_fault_tolerance_s: 60, backup_hours: 24, firewall: 'client', ip_count: 2,
		net_quota_max_mb: 900000, net_out_quota_max_mb: 300000, mem_max_mb: 512,
		user_info: 'Web shop of Example & Söhne GmbH, Hauptstraße 1, 10115 Berlin',
	});
	check(o.status === 201, `a VE was ordered (${o.status})`);
	const ve = o.json.ve_id;
	const old = Date.UTC(2020, 1, 10) / 1000;
	const created = sql(`SELECT created_at FROM ves WHERE id = '${ve}'`);
	sql(`UPDATE ves SET created_at = ${old} WHERE id = '${ve}';
	     UPDATE ve_state_log SET at = ${old} WHERE ve_id = '${ve}' AND at = ${created};`);
	putDay(ve, Date.UTC(2020, 1, 12) / 1000, [[2, 30 * H, 80 * G, 45 * G], [9, 90 * H, 20 * G, 5 * G]]);
	const now = Math.floor(Date.now() / 1000);
	const d = new Date(now * 1000);
	const mfrom = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
	const today = now - now % D;
	for (let t = mfrom, k = 0; t < today && k < 3; t += D, k++)
		putDay(ve, t, [[0, 20 * H, 30 * G, 12 * G], [8, 35 * H, 25 * G, 8 * G]]);
	const run = await api('POST', '/api/v1/admin/invoice-runs', { period: '2020-02' },
		{ Authorization: `Bearer ${TOKEN}` });
	check(run.status === 200 || run.status === 201, `the invoice run for 2020-02 answers ${run.status}`);
	const basic = { Authorization: 'Basic ' + Buffer.from(`${ve}:${password}`).toString('base64') };
	const invs = await api('GET', `/api/v1/ves/${ve}/invoices`, undefined, basic);
	check(invs.json.invoices.length === 1, 'the VE has its invoice for 2020-02');
	const pay = await api('POST', '/api/v1/admin/payments', {
		invoice: invs.json.invoices[0].number, amount_minor: 1500,
		date: new Date(now * 1000).toISOString().slice(0, 10), reference: 'bank transfer',
	}, { Authorization: `Bearer ${TOKEN}` });
	check(pay.status === 201, 'a part of it was paid');
	const period = new Date(now * 1000).toISOString().slice(0, 7);
	sql(`INSERT INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, action, throttle_kbps)
	     VALUES ('${ve}', '${period}', 'traffic_out', ${now - 5400}, 300000004096, 300000000000, 'throttle', 1000)`);
	return ve;
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
let veId = '';
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `a11y-${name}.png`), fullPage: true });
const slug = (path) => pathPattern(path).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root';

// axe at the desktop width, then (customer pages) the phone pass with a screenshot.
async function both(page, path, { phone = true } = {}) {
	await axeClean(page, path);
	if (!phone)
		return;
	const wide = page.viewportSize();
	await page.setViewportSize(PHONE);
	await narrowClean(page, path);
	await shot(page, `375-${slug(path)}`);
	await axeClean(page, `${path} at 375 px`);
	await page.setViewportSize(wide);
}

try {
	const password = 'A11y-browser-' + Date.now();
	veId = await richVe(password);
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15000);

	// Public pages.
	for (const path of ['/signup', '/self', '/self/forgot', '/self/reset?token=x', '/admin/login', '/self/no-such-page']) {
		await page.goto(`${BASE}${path}`);
		await both(page, path, { phone: !path.startsWith('/admin') });
	}
	// The order form with errors, and its answer.
	await page.goto(`${BASE}/signup`);
	await page.getByRole('button', { name: /Order and create/ }).click();
	await page.waitForSelector('#problems');
	check(await page.evaluate(() => document.activeElement.id) === 'problems',
		'a failed order puts the focus on the list of problems (autofocus, no script)');
	await both(page, '/signup (errors)');
	// The owner's login with an error, then every page of /self.
	await page.goto(`${BASE}/self`);
	await page.getByLabel('VEid').fill(veId);
	await page.getByLabel('Root password').fill('wrong-password-here');
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForSelector('#login-error');
	check(await page.evaluate(() => document.activeElement.id) === 'password',
		'a failed login puts the cursor in the password field');
	await both(page, '/self/login (error)');
	await page.getByLabel('VEid').fill(veId);
	await page.getByLabel('Root password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForSelector('#ve-id');
	await shot(page, 'self');
	const selfPages = await crawl(page, BASE, ['/self', '/self?range=day', '/self?range=month'], '/self',
		(p, path) => both(p, path), { skip: [/^\/self\/(forgot|reset|logout)/] });
	check(selfPages.some((p) => p.startsWith('/self/charges')) && selfPages.some((p) => p.startsWith('/self/invoices/')),
		`the owner's pages were found by their links (${selfPages.length}: ${selfPages.join(' ')})`);
	// A failed password change.
	await page.goto(`${BASE}/self`);
	await page.getByLabel('Current password').fill('not-the-password');
	await page.getByLabel('New password', { exact: true }).fill('short');
	await page.getByLabel('New password again').fill('other');
	await page.getByRole('button', { name: 'Change password' }).click();
	await page.waitForSelector('#e-old');
	const at = await page.evaluate(() => {
		const f = document.getElementById('pw-problems').getBoundingClientRect();
		return { focus: document.activeElement.id, y: window.scrollY, top: f.top, h: window.innerHeight };
	});
	check(at.focus === 'old_password', `a failed password change focuses the first wrong field (${at.focus})`);
	check(at.y > 0 && at.top >= 0 && at.top < at.h,
		`the answer opens at the form with its errors in view (scrolled ${at.y}, summary at ${Math.round(at.top)})`);
	await page.screenshot({ path: join(SHOTS, 'a11y-self-password-errors-view.png') });	/* what the owner sees */
	await both(page, '/self/password (errors)');

	// The operator's pages.
	const actx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
	const ap = await actx.newPage();
	ap.setDefaultTimeout(15000);
	await ap.goto(`${BASE}/admin/login`);
	await ap.getByLabel('Name').fill('admin');
	await ap.getByLabel('Password').fill(ADMIN_PASS);
	await ap.getByRole('button', { name: /Log in/ }).click();
	await ap.waitForURL(/\/admin$/);
	const adminPages = await crawl(ap, BASE, ['/admin', `/admin/ves/${veId}`, '/admin/plans'], '/admin',
		async (p, path) => {
			await axeClean(p, path);
			await shot(p, `admin-${slug(path)}`);
		}, { skip: [/^\/admin\/login/] });
	check(adminPages.length >= 10, `the operator's pages were found by their links (${adminPages.length}: ${adminPages.join(' ')})`);
	await actx.close();
	await ctx.close();
} catch (e) {
	console.error(`not ok - ${e.stack || e}`);
	failed = true;
} finally {
	release(veId);
	await browser.close();
}
process.exit(failed || softFailures.length > 0 ? 1 : 0);
