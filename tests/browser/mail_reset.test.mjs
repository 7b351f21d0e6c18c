// Password reset by mail in a real browser (SPEC section 10): "Forgot
// password?" on the login page, the VEid form, the link read from the mail
// the dev mail catcher stored (var/mail/*.eml), the new-password form, then
// a login with the new password.  Also a PDF document's first page as an
// image (pdftoppm), from GET /api/v1/invoices/{number}.pdf.  No
// Content-Security-Policy violation on the way.  Screenshots:
// tests/browser/shots/reset-*.png and pdf-invoice-1.png.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeAndPhone } from './lib/check.mjs';

const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const HERE = dirname(fileURLToPath(import.meta.url));
const VAR = process.env.VEP_VAR || join(HERE, '../../var');
const SHOTS = join(HERE, 'shots');
const SOCK = process.env.VEP_DB_SOCKET || join(VAR, 'run/mysql/mysqld.sock');
const TOKEN = process.env.VEP_ADMIN_TOKEN || readFileSync(join(VAR, 'secrets/admin.token'), 'utf8').trim();
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

async function resetLink(ve) {
	for (let i = 0; i < 150; i++) {
		for (const f of readdirSync(join(VAR, 'mail')).filter((n) => n.endsWith('.eml'))) {
			const t = readFileSync(join(VAR, 'mail', f), 'latin1');
			if (t.includes(`Password reset for VE ${ve}`)) {
				const m = t.match(/\/self\/reset\?token=[0-9a-f]{64}/);
				if (m)
					return m[0];
			}
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no reset mail for ${ve}`);
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
let veId = '';
try {
	const password = 'Reset-browser-' + Date.now();
	const r = await fetch(`${BASE}/api/v1/orders`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			plan: 'WEB1', template: 'debian-12', email: `reset.browser.${Date.now()}@example.com`,
			disk_quota_mb: 1000, always_on: true, lifetime_days: 30, root_password: password,
			login: ['ssh'], fs_fault_tolerance_s: 60, backup_hours: 24, firewall: 'client', ip_count: 1,
		}),
	});
	check(r.status === 201, 'a VE is ordered');
	veId = (await r.json()).ve_id;

	const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);

	await page.goto(`${BASE}/self`);
	await page.getByRole('link', { name: 'Forgot password?' }).click();
	await page.getByLabel('VEid').fill(veId);
	await page.screenshot({ path: join(SHOTS, 'reset-1-forgot.png') });
	await page.getByRole('button', { name: 'Mail me a link' }).click();
	check(await page.locator('#reset-sent').isVisible(), 'the answer says a link is on its way (whether or not the VE exists)');
	await page.screenshot({ path: join(SHOTS, 'reset-2-sent.png') });

	const link = await resetLink(veId);
	check(true, 'the reset mail arrived in var/mail with its link');
	await page.goto(`${BASE}${link}`);
	const fresh = 'Brand-new-pass-' + Date.now();
	await page.getByLabel('New password').fill(fresh);
	await page.getByLabel('The same again').fill(fresh);
	await page.screenshot({ path: join(SHOTS, 'reset-3-form.png') });
	await axeAndPhone(page, 'the reset form', join(SHOTS, 'reset-3-form-375.png'));
	await page.getByRole('button', { name: 'Set the password' }).click();
	check(await page.locator('#reset-done').isVisible(), 'the password is set');
	await page.screenshot({ path: join(SHOTS, 'reset-4-done.png') });
	await axeAndPhone(page, 'the reset\'s answer', join(SHOTS, 'reset-4-done-375.png'));

	check(problems.length === 0, `no console errors or CSP violations (${problems.join('; ')})`);
	await page.goto(`${BASE}${link}`);
	check(await page.locator('#reset-bad').isVisible(), 'the link works once');
	await page.screenshot({ path: join(SHOTS, 'reset-5-used.png') });
	problems.length = 0;	/* the used link's 410 is logged as a failed load */
	await page.goto(`${BASE}/self`);
	await page.getByLabel('VEid').fill(veId);
	await page.getByLabel('Root password').fill(fresh);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState('domcontentloaded');
	check((await page.locator('#ve-id').innerText()).trim() === veId, 'the new password logs in');
	check(problems.length === 0, `no console errors or CSP violations (${problems.join('; ')})`);

	// A document as PDF: its first page as an image.
	const number = sql("SELECT number FROM invoices ORDER BY id DESC LIMIT 1");
	if (number) {
		const p = await fetch(`${BASE}/api/v1/invoices/${number}.pdf`, { headers: { Authorization: `Bearer ${TOKEN}` } });
		check(p.status === 200 && p.headers.get('content-type') === 'application/pdf', `${number}.pdf is a PDF`);
		const file = join(SHOTS, 'pdf-invoice.pdf');
		writeFileSync(file, Buffer.from(await p.arrayBuffer()));
		execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, join(SHOTS, 'pdf-invoice-1')]);
		check(true, `the first page of ${number}.pdf is in shots/pdf-invoice-1.png`);
	} else
		console.log('# no invoice in the database yet: no PDF page shot');
} catch (e) {
	failed = true;
	console.error(`FAIL: ${e.message}`);
} finally {
	await browser.close();
	if (/^[0-9A-F]{8}$/.test(veId))
		sql(`DELETE FROM sessions WHERE kind = 'self' AND subject = '${veId}'`);
}
process.exit(failed ? 1 : 0);
