// Reinstall and backups on /self in a real browser (SPEC section 11): the
// backup list (rows a node reported, here written straight into ve_backups
// for a VE of a simulated node), the Restore button's confirmation step
// (the first click asks, nothing written; ticked, the restore is recorded),
// "Back up now", and the reinstall form's confirmation (without the box:
// 400 and nothing written; with it: recorded, the new password logs in).
// No Content-Security-Policy violation on the way.
// Screenshots: tests/browser/shots/backup-*.png.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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
let veId = '';
try {
	const password = 'Backup-browser-' + Date.now();
	const r = await fetch(`${BASE}/api/v1/orders`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			plan: 'WEB1', template: 'debian-12', email: `backup.browser.${Date.now()}@example.com`,
			disk_quota_mb: 1000, always_on: true, lifetime_days: 30, root_password: password,
			login: ['ssh'], fs_fault_tolerance_s: 60, backup_hours: 6, firewall: 'client', ip_count: 1,
		}),
	});
	check(r.status === 201, 'a VE is ordered');
	veId = (await r.json()).ve_id;
	const now = Math.floor(Date.now() / 1000);
	const ids = [`${veId}-20261201T030000Z`, `${veId}-20261202T030000Z`];
	sql(`INSERT INTO ve_backups (ve_id, id, taken_at, bytes) VALUES ('${veId}', '${ids[0]}', ${now - 86400}, 218131022),`
		+ ` ('${veId}', '${ids[1]}', ${now - 3600}, 219000000)`);

	const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);
	/* A form's button: the click, then the page it leads to (a 400 re-shown, or a 303's target). */
	const submit = async (loc) => { await Promise.all([page.waitForNavigation(), loc.click()]); };

	await page.goto(`${BASE}/self`);
	await page.getByLabel('VEid').fill(veId);
	await page.getByLabel('Root password').fill(password);
	await submit(page.getByRole('button', { name: 'Log in' }));
	await submit(page.locator('#reinstall-link'));
	check(await page.locator('#backup-list tr.backup').count() === 2, 'the two backups are listed');
	check((await page.locator('#backup-list tr.backup').first().getAttribute('data-id')) === ids[1], 'newest first');
	await page.screenshot({ path: join(SHOTS, 'backup-1-list.png'), fullPage: true });

	// Restore: the first click only asks.
	const seq0 = sql(`SELECT restore_seq FROM ves WHERE id = '${veId}'`);
	await submit(page.locator(`tr.backup[data-id="${ids[0]}"] button`));
	check(await page.locator('#restore-sure').isVisible(), 'Restore asks for a confirmation first');
	check(sql(`SELECT restore_seq FROM ves WHERE id = '${veId}'`) === seq0, 'nothing is written before it');
	await page.screenshot({ path: join(SHOTS, 'backup-2-restore-confirm.png'), fullPage: true });
	problems.length = 0;	/* the 400 of the question is logged as a failed load */
	await page.locator('#restore-sure').check();
	await submit(page.locator(`tr.backup[data-id="${ids[0]}"] button`));
	check(await page.locator('#notice').isVisible(), 'the restore is on its way');
	check(sql(`SELECT CONCAT(restore_seq, ' ', restore_backup) FROM ves WHERE id = '${veId}'`) === `${Number(seq0) + 1} ${ids[0]}`,
		'the restore of that backup is recorded');
	await page.screenshot({ path: join(SHOTS, 'backup-3-restoring.png'), fullPage: true });

	await submit(page.locator('#backup-now'));
	check(sql(`SELECT backup_seq FROM ves WHERE id = '${veId}'`) === '1', 'Back up now is recorded');

	// Reinstall: without the box, asked again, nothing written.
	const fresh = 'Reinstalled-pass-' + Date.now();
	await page.getByLabel('New root password').fill(fresh);
	await page.getByLabel('The same again').fill(fresh);
	await submit(page.getByRole('button', { name: 'Reinstall' }));
	check(await page.locator('#sure-error').isVisible(), 'Reinstall without the box asks for the confirmation');
	check(sql(`SELECT reinstall_seq FROM ves WHERE id = '${veId}'`) === '0', 'nothing is written without it');
	await page.screenshot({ path: join(SHOTS, 'backup-4-reinstall-confirm.png'), fullPage: true });
	problems.length = 0;
	await page.getByLabel('New root password').fill(fresh);
	await page.getByLabel('The same again').fill(fresh);
	await page.locator('#reinstall-sure').check();
	await submit(page.getByRole('button', { name: 'Reinstall' }));
	check(await page.locator('#notice').isVisible(), 'the reinstall is on its way');
	check(sql(`SELECT reinstall_seq FROM ves WHERE id = '${veId}'`) === '1', 'the reinstall is recorded');
	await page.screenshot({ path: join(SHOTS, 'backup-5-reinstalling.png'), fullPage: true });
	const a = await fetch(`${BASE}/api/v1/ves/${veId}`, { headers: { Authorization: 'Basic ' + Buffer.from(`${veId}:${fresh}`).toString('base64') } });
	check(a.status === 200, 'the new password is the VE\'s password');
	check(problems.length === 0, `no console errors or CSP violations (${problems.join('; ')})`);
} catch (e) {
	failed = true;
	console.error(`FAIL: ${e.message}`);
} finally {
	await browser.close();
	if (/^[0-9A-F]{8}$/.test(veId))
		sql(`DELETE FROM sessions WHERE kind = 'self' AND subject = '${veId}'`);
}
process.exit(failed ? 1 : 0);
