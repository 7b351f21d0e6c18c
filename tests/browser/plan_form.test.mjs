// The operator's plan form (issue 18) in a real browser: a new plan typed
// into its fields with four mistakes is refused, each mistake named at its
// own field in plan_parse's words, the typed values kept and nothing saved;
// corrected, it is saved and listed, and the API's plan JSON holds exactly
// what was typed (prices in minor units); "Change on a form" opens it
// filled in, and a new fee from today becomes the version in force.  The
// form fits a 375 px phone.  Screenshots: tests/browser/shots/plan-form-*.png.
// Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const TOKEN = process.env.VEP_ADMIN_TOKEN || '';
const HERE = dirname(fileURLToPath(import.meta.url));
const VAR = process.env.VEP_VAR || join(HERE, '../../var');
const SHOTS = join(HERE, 'shots');
mkdirSync(SHOTS, { recursive: true });

function check(cond, what) {
	if (!cond)
		throw new Error(`check failed: ${what}`);
	console.log(`ok - ${what}`);
}

async function planJson(code) {
	const r = await fetch(`${BASE}/api/v1/admin/plans`, { headers: { Authorization: `Bearer ${TOKEN}` } });
	if (r.status !== 200)
		throw new Error(`GET /api/v1/admin/plans: ${r.status}`);
	return (await r.json()).plans.find((p) => p.code === code);
}

const password = readFileSync(join(VAR, 'secrets/admin.pass'), 'utf8').trim();
// One code for every run: a run adds a price version to it instead of another plan.
const code = 'PFTEST';
const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);

	await page.goto(`${BASE}/admin/login`);
	await page.getByLabel('Name').fill('admin');
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	await page.goto(`${BASE}/admin/plans`);
	await page.locator('#plan-new').click();
	await page.waitForLoadState('domcontentloaded');
	check(new URL(page.url()).pathname === '/admin/plans/new', 'the plans page leads to the plan form');
	check(await page.getByLabel('Monthly fee').inputValue() === '15.00',
		'a new form starts from the example plan, prices in major units');

	const before = JSON.stringify(await planJson(code));
	// Four mistakes.
	await page.getByLabel('Code', { exact: true }).fill(code);
	await page.getByLabel('Name', { exact: true }).fill('Plan form test');
	await page.getByLabel('Currency').fill('EUR');
	await page.getByLabel('Monthly fee').fill('12.505');
	await page.getByLabel(/Disk quota included/).fill('-3');
	await page.getByLabel(/Disk quota price per/).fill('0.40');
	await page.getByLabel(/Most IP addresses/).fill('0');
	for (const l of ['ssh', 'telnet', 'rsh', 'x11'])
		await page.locator(`#login_${l}`).uncheck();
	await page.getByLabel(/suspend it until the month ends/).check();
	await page.locator('#plan-save').click();
	await page.waitForLoadState('domcontentloaded');
	check(/errors/.test(await page.locator('#form-error').innerText()), 'the plan with mistakes is refused');
	check(/decimals/.test(await page.locator('#e-monthly_fee').innerText()), 'the fee with three decimals is named');
	check(/included\.disk_gb must be a whole number/i.test(await page.locator('#e-inc_disk_gb').innerText()),
		'a negative included disk is named in plan_parse\'s words');
	check(/at least 1/.test(await page.locator('#e-max_ip_count').innerText()), 'zero IP addresses is named');
	check(/login/.test(await page.locator('#e-login_ssh').innerText()), 'no login style is named');
	check(await page.getByLabel('Monthly fee').inputValue() === '12.505', 'the typed values are kept');
	check(await page.getByLabel(/suspend it until the month ends/).isChecked(), 'the cap choice is kept');
	check((await page.locator('.error').count()) === 4, 'exactly the four mistakes are named');
	await page.screenshot({ path: join(SHOTS, 'plan-form-errors.png'), fullPage: true });
	check(JSON.stringify(await planJson(code)) === before, 'nothing was saved');

	// Corrected.
	await page.getByLabel('Monthly fee').fill('12.50');
	await page.getByLabel(/Disk quota included/).fill('15');
	await page.getByLabel(/Most IP addresses/).fill('2');
	await page.locator('#login_ssh').check();
	await page.locator('#plan-save').click();
	await page.waitForLoadState('domcontentloaded');
	check(new URL(page.url()).pathname === '/admin/plans', 'the corrected plan is saved');
	check(/saved/.test(await page.locator('.alert-ok').innerText()), 'the plans page says so');
	check(await page.locator('.plan-card', { hasText: code }).count() === 1, 'the new plan is listed');
	let p = await planJson(code);
	check(p && p.monthly_fee_minor === 1250 && p.included.disk_gb === 15 && p.overage_minor.disk_gb_month === 40
		&& p.limits.max_ip_count === 2 && p.limits.cap_action === 'suspend'
		&& JSON.stringify(p.limits.login) === '["ssh"]',
		`the plan JSON holds what was typed (${JSON.stringify(p)})`);

	// Changed on the form.
	await page.locator('.plan-card', { hasText: code }).getByRole('link', { name: 'Change on a form' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('h1').innerText()).includes(code), 'the form opens for the plan');
	check(await page.getByLabel('Monthly fee').inputValue() === '12.50'
		&& await page.getByLabel(/Disk quota price per/).inputValue() === '0.40', 'it is filled with the plan in force');
	await page.screenshot({ path: join(SHOTS, 'plan-form-edit.png'), fullPage: true });
	await page.getByLabel('Monthly fee').fill('14.00');
	await page.locator('#plan-save').click();
	await page.waitForLoadState('domcontentloaded');
	p = await planJson(code);
	check(p.monthly_fee_minor === 1400 && p.included.disk_gb === 15, 'the new fee is in force from today');

	// A phone.
	const phone = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true,
		storageState: await ctx.storageState() });
	const p2 = await phone.newPage();
	await p2.goto(`${BASE}/admin/plans/new`);
	const over = await p2.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	await p2.screenshot({ path: join(SHOTS, 'plan-form-phone.png'), fullPage: true });
	check(!over, 'the form fits a 375 px phone without sideways scrolling');
	await phone.close();

	const csp = problems.filter((t) => /Content Security Policy|Refused to/i.test(t));
	check(csp.length === 0, `no CSP violations (${csp.join(' | ')})`);
	await ctx.close();
} catch (e) {
	console.error(`FAIL: ${e.message}`);
	failed = true;
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
