// The operator's screens in a real browser: a wrong password is refused,
// the right one opens the dashboard; the VE list finds a VE the test
// ordered through the API; its page suspends and resumes it (the forms
// carry their CSRF tokens) and finally deletes it; nodes, plans and the
// usage report (table, chart, CSV link) show; no Content-Security-Policy
// violation on the way.  Screenshots go to tests/browser/shots/admin-*.png.
// Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const HERE = dirname(fileURLToPath(import.meta.url));
const VAR = process.env.VEP_VAR || join(HERE, '../../var');
const SHOTS = join(HERE, 'shots');
mkdirSync(SHOTS, { recursive: true });

function check(cond, what) {
	if (!cond)
		throw new Error(`check failed: ${what}`);
	console.log(`ok - ${what}`);
}

const password = readFileSync(join(VAR, 'secrets/admin.pass'), 'utf8').trim();

// A VE to look at, ordered like a customer would.
async function orderVe() {
	const body = {
		plan: 'WEB1', template: 'debian-12', email: `admin.browser.${Date.now()}@example.com`,
		disk_quota_mb: 1000, always_on: true, lifetime_days: 30,
		root_password: 'Admin-browser-' + Date.now(), login: ['ssh'], fs_fault_tolerance_s: 60,
		backup_hours: 24, firewall: 'client', ip_count: 1,
	};
	const r = await fetch(`${BASE}/api/v1/orders`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
	});
	if (r.status !== 201)
		throw new Error(`ordering a VE: ${r.status} ${await r.text()}`);
	return { ...(await r.json()), email: body.email };
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
	const ve = await orderVe();
	check(/^[0-9A-F]{8}$/.test(ve.ve_id), `a VE ${ve.ve_id} was ordered for the test`);

	const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);

	// Not logged in: the login page.
	let resp = await page.goto(`${BASE}/admin/ves`);
	check(new URL(page.url()).pathname === '/admin/login', 'a page asked for without a session leads to the login');
	// (An unknown name, so the real operator's failed-login count stays untouched.)
	await page.getByLabel('Name').fill('nobody-browser-test');
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(/wrong/.test(await page.locator('#login-error').innerText()), 'a wrong password is refused');
	await page.screenshot({ path: join(SHOTS, 'admin-login.png'), fullPage: true });
	await page.getByLabel('Name').fill('admin');
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('h1').innerText() === 'Dashboard', 'the right password opens the dashboard');
	const cookies = await ctx.cookies();
	const sid = cookies.find((c) => c.name === 'vep_admin');
	check(sid && sid.httpOnly && sid.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
	check(await page.locator('.stat').count() >= 3, 'the dashboard shows its figures');
	await page.screenshot({ path: join(SHOTS, 'admin-dashboard.png'), fullPage: true });

	// VE list and search.
	await page.getByRole('link', { name: 'VEs', exact: true }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('table.data tbody tr').count() >= 1, 'the VE list shows VEs');
	await page.getByLabel('Search').fill(ve.email);
	await page.getByRole('button', { name: 'Search' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('table.data tbody tr').count() === 1, 'searching by e-mail finds exactly the VE');
	await page.screenshot({ path: join(SHOTS, 'admin-ves.png'), fullPage: true });

	// VE detail: suspend with a reason, then resume.
	await page.getByRole('link', { name: ve.ve_id }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('h1').innerText()).includes(ve.ve_id), 'the VE page opens');
	await page.getByLabel(/Reason for suspending/).fill('browser test');
	await page.getByRole('button', { name: 'Suspend' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('[role=status]').innerText()).includes('suspended'), 'suspending says so');
	check((await page.locator('h1 .state').innerText()) === 'suspended', 'the VE is shown suspended');
	check((await page.locator('table.audit').innerText()).includes('ve.suspend'), 'the change is in the VE\'s history');
	await page.screenshot({ path: join(SHOTS, 'admin-ve.png'), fullPage: true });
	await page.getByRole('button', { name: 'Resume' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('h1 .state').innerText()) === 'active', 'resuming makes it active again');
	// Deleting needs the box ticked.
	await page.getByRole('button', { name: 'Delete' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(/Tick the box/.test(await page.locator('#e-confirm').innerText()), 'deleting without confirming is refused');

	// Nodes, plans.
	await page.getByRole('link', { name: 'Nodes', exact: true }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('table.data tbody tr').count() >= 1, 'the nodes are listed with their health');
	await page.screenshot({ path: join(SHOTS, 'admin-nodes.png'), fullPage: true });
	await page.getByRole('link', { name: 'Plans', exact: true }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('.plan-card').count() >= 1, 'the plans are listed');
	await page.screenshot({ path: join(SHOTS, 'admin-plans.png'), fullPage: true });

	// The usage report: table, chart and CSV link.
	await page.getByRole('link', { name: 'Reports', exact: true }).click();
	await page.waitForLoadState('domcontentloaded');
	await page.screenshot({ path: join(SHOTS, 'admin-reports.png'), fullPage: true });
	await page.getByRole('link', { name: 'usage', exact: true }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('table#report thead th').count() === 7, 'the usage report has its seven columns');
	const chartOk = await page.locator('.report-chart img').evaluate((i) => i.complete && i.naturalWidth > 0);
	check(chartOk, 'the report chart loads as an image');
	check((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).includes('format=csv'),
		'a CSV download is offered');
	await page.screenshot({ path: join(SHOTS, 'admin-report-usage.png'), fullPage: true });
	await page.goto(`${BASE}/admin/reports/revenue`);
	await page.screenshot({ path: join(SHOTS, 'admin-report-revenue.png'), fullPage: true });
	await page.goto(`${BASE}/admin/invoices`);
	await page.screenshot({ path: join(SHOTS, 'admin-invoices.png'), fullPage: true });

	// Delete the test VE through its page, then log out.
	await page.goto(`${BASE}/admin/ves/${ve.ve_id}`);
	await page.getByLabel(/Delete this VE/).check();
	await page.getByRole('button', { name: 'Delete' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('h1 .state').innerText()) === 'deleted', 'the VE is deleted');
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(new URL(page.url()).pathname === '/admin/login', 'logging out leads back to the login');
	resp = await page.goto(`${BASE}/admin`);
	check(new URL(page.url()).pathname === '/admin/login', 'after logout the dashboard is closed');

	// A phone-sized screen.
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
	const p2 = await phone.newPage();
	await p2.goto(`${BASE}/admin/login`);
	const overflow = await p2.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	check(!overflow, 'the login fits a phone screen');
	await phone.close();

	const csp = problems.filter((t) => /Content Security Policy|Refused to/i.test(t));
	check(csp.length === 0, `no CSP violations (${csp.join(' | ')})`);
	check(resp.status() === 200, 'the login page answers 200');
	await ctx.close();
} catch (e) {
	console.error(`FAIL: ${e.message}`);
	failed = true;
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
