// A person orders a VE through the signup form, reads the VEid and the
// root password from the answer page, logs in to "My VE" and sees the
// dashboard; a mistake on the way is shown next to its field.  Screenshots
// go to tests/browser/shots/.  Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeAndPhone } from './lib/check.mjs';

const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'shots');
mkdirSync(SHOTS, { recursive: true });

// Give back the VE this test made (as an operator's delete would), so
// repeated runs do not use up the demo address pool.
function release(veId) {
	const sock = process.env.VEP_DB_SOCKET;
	if (!sock || !/^[0-9A-F]{8}$/.test(veId))
		return;
	execFileSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot', 'vepanel', '-e',
		`UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id = '${veId}';
		 UPDATE ves SET state = 'deleted', state_reason = 'browser test' WHERE id = '${veId}';
		 DELETE FROM sessions WHERE kind = 'self' AND subject = '${veId}';`]);
}

function check(cond, what) {
	if (!cond)
		throw new Error(`check failed: ${what}`);
	console.log(`ok - ${what}`);
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
let veId = '';
try {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);

	// The form, as a customer first sees it.
	let resp = await page.goto(`${BASE}/signup`);
	check(resp.status() === 200, 'GET /signup answers 200');
	check(await page.locator('details.advanced').getAttribute('open') === null,
		'the advanced part starts collapsed');
	check(await page.locator('label.plan').count() >= 2, 'plans are offered with their prices');
	check(/\d+\.\d\d [A-Z]{3}/.test(await page.locator('.plan-price').first().innerText()),
		'a price is shown as money');
	await page.screenshot({ path: join(SHOTS, 'signup-form.png'), fullPage: true });

	// Fill it in like a person: basic part, then a look at the advanced part.
	await page.locator('label.plan', { hasText: 'Pro 4' }).click();
	// A template that offers telnet (debian-12 offers ssh and x11 once its real rootfs is registered).
	await page.getByLabel('Operating system').selectOption('debian-12-lamp');
	await page.getByLabel('E-mail address').fill('browser.test@example.com');
	await page.getByLabel('Disk quota', { exact: false }).and(page.locator('#i-disk_quota_mb')).fill('20000');
	await page.getByLabel('Lifetime').fill('90');
	await page.getByLabel('Root password').fill('short');		// a mistake first
	await page.locator('input[name=login][value=ssh]').check();
	await page.locator('input[name=login][value=telnet]').check();
	await page.locator('details.advanced > summary').click();
	await page.getByLabel('IP addresses', { exact: true }).fill('2');
	await page.getByLabel('DNS names').fill('www.browser-test.example\nmail.browser-test.example');
	await page.getByLabel('User information').fill('Browser test <b>not bold</b> & "quoted"');
	await page.getByRole('button', { name: /Order and create/ }).click();
	await page.waitForLoadState('domcontentloaded');

	// The mistake comes back next to its field, the other values are kept.
	check(await page.locator('#problems').isVisible(), 'the error summary is shown');
	const pwErr = page.locator('#e-root_password');
	check(/12 to 128/.test(await pwErr.innerText()), 'the password error is next to the field');
	check((await page.locator('#i-root_password').getAttribute('aria-describedby')).includes('e-root_password'),
		'the password field is described by its error');
	check(await page.getByLabel('E-mail address').inputValue() === 'browser.test@example.com',
		'the e-mail address was kept');
	check(await page.getByLabel('Root password').inputValue() === '', 'the password is never sent back');
	check(await page.locator('input[name=plan][value=PRO4]').isChecked(), 'the chosen plan was kept');
	await page.screenshot({ path: join(SHOTS, 'signup-error.png'), fullPage: true });

	// Correct it and order.
	const password = 'Browser-Test-Pass-' + Date.now();
	await page.getByLabel('Root password').fill(password);
	await page.getByRole('button', { name: /Order and create/ }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('h1').innerText() === 'Your VE is ready', 'the answer page says the VE is ready');
	veId = (await page.locator('#ve-id').innerText()).trim();
	const shown = (await page.locator('#root-password').innerText()).trim();
	check(/^[0-9A-F]{8}$/.test(veId), `the VEid ${veId} is 8 hex digits`);
	check(shown === password, 'the root password is shown once');
	check(await page.locator('td.ip').count() === 2, 'two IP addresses were received');
	check((await page.locator('table.order-summary').innerText()).includes('www.browser-test.example'),
		'the order summary lists the DNS names');
	await page.screenshot({ path: join(SHOTS, 'signup-created.png'), fullPage: true });
	await axeAndPhone(page, 'the order\'s answer', join(SHOTS, 'signup-created-375.png'));

	// Log in to My VE.
	await page.getByRole('link', { name: 'Go to My VE' }).click();
	await page.getByLabel('VEid').fill(veId.toLowerCase());
	await page.getByLabel('Root password').fill(password);
	await page.screenshot({ path: join(SHOTS, 'self-login.png'), fullPage: true });
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('#ve-id').innerText()).trim() === veId, 'the dashboard shows the VE');
	check(await page.locator('td.ip').count() === 2, 'the dashboard lists both addresses');
	check((await page.locator('#gateway').innerText()).trim().length > 0, 'the gateway is shown');
	check((await page.locator('#user-info').innerText()).includes('<b>not bold</b>'),
		'user information is shown as text, not markup');
	check(await page.locator('#user-info b').count() === 0, 'no markup was injected');
	check(await page.locator('#charges').isVisible() && await page.locator('#invoices').isVisible(),
		'the billing sections are present');
	const usage = await page.locator('#no-usage').count() === 0;
	if (usage) {
		const ok = await page.locator('.chart img').evaluateAll((imgs) =>
			imgs.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0));
		check(ok, 'the four usage charts load');
	} else
		console.log('ok - no usage recorded yet is said plainly');
	await page.screenshot({ path: join(SHOTS, 'self-dashboard.png'), fullPage: true });

	// Log out.
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.getByLabel('VEid').isVisible(), 'logging out shows the login form again');

	// A phone-sized screen.
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
	const p2 = await phone.newPage();
	await p2.goto(`${BASE}/signup`);
	const overflow = await p2.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	check(!overflow, 'the form fits a phone screen without sideways scrolling');
	await p2.screenshot({ path: join(SHOTS, 'signup-phone.png'), fullPage: true });
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
