// Reinstall and backups on /self in a real browser (SPEC section 11): the
// backup list (rows a node reported, here written straight into ve_backups
// for a VE of a simulated node), the Restore button's confirmation step
// (the first click asks, nothing written; ticked, the restore is recorded),
// "Back up now", and the reinstall form's confirmation (without the box:
// 400 and nothing written; with it: recorded, the new password logs in).
// No Content-Security-Policy violation on the way.
// Screenshots: tests/browser/shots/backup-*.png.
import {
	BASE, asOwner, check, follow, noProblems, openPage, orderVe, release, runSuite, selfLogin, snap, sql,
} from './lib/check.mjs';

let veId = '';
await runSuite(async (browser) => {
	const password = 'Backup-browser-' + Date.now();
	veId = await orderVe('a VE is ordered', password,
		{ email: `backup.browser.${Date.now()}@example.com`, backup_hours: 6 });
	const now = Math.floor(Date.now() / 1000);
	const ids = [`${veId}-20261201T030000Z`, `${veId}-20261202T030000Z`];
	sql(`INSERT INTO ve_backups (ve_id, id, taken_at, bytes) VALUES ('${veId}', '${ids[0]}', ${now - 86400}, 218131022),`
		+ ` ('${veId}', '${ids[1]}', ${now - 3600}, 219000000)`);

	const { page, problems } = await openPage(browser, 1100, 900);

	await selfLogin(page, veId, password);
	await follow(page, page.locator('#reinstall-link'));
	check(await page.locator('#backup-list tr.backup').count() === 2, 'the two backups are listed');
	check((await page.locator('#backup-list tr.backup').first().getAttribute('data-id')) === ids[1], 'newest first');
	await snap(page, 'backup-1-list.png');

	// Restore: the first click only asks.
	const seq0 = sql(`SELECT restore_seq FROM ves WHERE id = '${veId}'`);
	await follow(page, page.locator(`tr.backup[data-id="${ids[0]}"] button`));
	check(await page.locator('#restore-sure').isVisible(), 'Restore asks for a confirmation first');
	check(sql(`SELECT restore_seq FROM ves WHERE id = '${veId}'`) === seq0, 'nothing is written before it');
	await snap(page, 'backup-2-restore-confirm.png');
	problems.length = 0;	/* the 400 of the question is logged as a failed load */
	await page.locator('#restore-sure').check();
	await follow(page, page.locator(`tr.backup[data-id="${ids[0]}"] button`));
	check(await page.locator('#notice').isVisible(), 'the restore is on its way');
	check(sql(`SELECT CONCAT(restore_seq, ' ', restore_backup) FROM ves WHERE id = '${veId}'`) === `${Number(seq0) + 1} ${ids[0]}`,
		'the restore of that backup is recorded');
	await snap(page, 'backup-3-restoring.png');

	await follow(page, page.locator('#backup-now'));
	check(sql(`SELECT backup_seq FROM ves WHERE id = '${veId}'`) === '1', 'Back up now is recorded');

	// Reinstall: without the box, asked again, nothing written.
	const fresh = 'Reinstalled-pass-' + Date.now();
	await page.getByLabel('New root password').fill(fresh);
	await page.getByLabel('The same again').fill(fresh);
	await follow(page, page.getByRole('button', { name: 'Reinstall' }));
	check(await page.locator('#sure-error').isVisible(), 'Reinstall without the box asks for the confirmation');
	check(sql(`SELECT reinstall_seq FROM ves WHERE id = '${veId}'`) === '0', 'nothing is written without it');
	await snap(page, 'backup-4-reinstall-confirm.png');
	problems.length = 0;
	await page.getByLabel('New root password').fill(fresh);
	await page.getByLabel('The same again').fill(fresh);
	await page.locator('#reinstall-sure').check();
	await follow(page, page.getByRole('button', { name: 'Reinstall' }));
	check(await page.locator('#notice').isVisible(), 'the reinstall is on its way');
	check(sql(`SELECT reinstall_seq FROM ves WHERE id = '${veId}'`) === '1', 'the reinstall is recorded');
	await snap(page, 'backup-5-reinstalling.png');
	const a = await fetch(`${BASE}/api/v1/ves/${veId}`, { headers: asOwner(veId, fresh) });
	check(a.status === 200, 'the new password is the VE\'s password');
	noProblems(problems);
}, () => release(veId));
