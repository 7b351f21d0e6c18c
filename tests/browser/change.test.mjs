// Service changes in a real browser (SPEC section 11): the owner logs in,
// follows "Change the service" from the dashboard, sends a value the rules
// refuse (the form comes back with the field's message, nothing written),
// then a good change (memory and disk), and sees how each part applies;
// this month's charges then show the part before and the part after the
// change.  Screenshots: tests/browser/shots/change-*.png.  Exits non-zero
// on any failure.
import { BASE, check, follow, noProblems, openPage, orderVe, release, runSuite, selfLogin, shotPath, snap, sql } from './lib/check.mjs';

let veId = '';
await runSuite(async (browser) => {
	const password = 'Change-browser-' + Date.now();
	veId = await orderVe('a VE is ordered', password, { email: `change.${Date.now()}@example.com`, mem_max_mb: 256 });
	// Created a day ago, so that this month has a part before the change.
	sql(`UPDATE ves SET created_at = created_at - 86400 WHERE id = '${veId}';
	     UPDATE ve_state_log SET at = at - 86400 WHERE ve_id = '${veId}';
	     UPDATE order_history h JOIN ves v ON v.order_id = h.order_id SET h.valid_from = h.valid_from - 86400
	     WHERE v.id = '${veId}'`);

	// The refused form answers 400 on purpose; any other error counts.
	const { page, problems } = await openPage(browser, 1280, 900, { ignore: /status of 400/ });
	await selfLogin(page, veId, password);
	await follow(page, page.locator('#change-link'));
	check((await page.locator('#f-mem_max_mb').inputValue()) === '256', 'the form shows the VE\'s values');
	await snap(page, 'change-form.png');

	await page.locator('#f-mem_max_mb').fill('-5');
	await follow(page, page.locator('#change-submit'));
	check((await page.locator('#e-mem_max_mb').innerText()).includes('cannot be negative'),
		'a refused value comes back with its message');
	check(sql(`SELECT o.mem_max_mb FROM orders o JOIN ves v ON v.order_id = o.id WHERE v.id = '${veId}'`) === '256',
		'nothing was written');
	await page.locator('#field-mem_max_mb').screenshot({ path: shotPath('change-refused.png') });

	await page.locator('#f-mem_max_mb').fill('512');
	await page.locator('#f-disk_quota_mb').fill('20000');
	await follow(page, page.locator('#change-submit'));
	const done = await page.locator('#change-done').innerText();
	check(/Maximum memory: 512 MB — applied at once/.test(done) && /Disk quota: 20000 MB/.test(done),
		'the answer says how each part applies');
	await snap(page, 'change-done.png');

	await page.goto(`${BASE}/self#charges`);
	const items = await page.locator('#charges-table tr.cline th').allInnerTexts();
	check(items.filter((t) => /Monthly fee.*WEB1, \d{4}-\d\d-\d\d \d\d:\d\d to \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(t)).length === 2,
		'the charges show the fee of each part with its dates');
	await page.locator('#charges').screenshot({ path: shotPath('change-charges.png') });
	noProblems(problems, 'no console errors');
}, () => release(veId));
