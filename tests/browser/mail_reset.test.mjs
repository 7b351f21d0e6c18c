// Password reset by mail in a real browser (SPEC section 10): "Forgot
// password?" on the login page, the VEid form, the link read from the mail
// the dev mail catcher stored (var/mail/*.eml), the new-password form, then
// a login with the new password.  Also a PDF document's first page as an
// image (pdftoppm), from GET /api/v1/invoices/{number}.pdf.  No
// Content-Security-Policy violation on the way.  Screenshots:
// tests/browser/shots/reset-*.png and pdf-invoice-1.png.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import {
	BASE, adminToken, axeAndPhone, check, mailLink, noProblems, openPage, orderVe, release, runSuite,
	selfLogin, shotPath, sql,
} from './lib/check.mjs';

let veId = '';
await runSuite(async (browser) => {
	veId = await orderVe('a VE is ordered', 'Reset-browser-' + Date.now(),
		{ email: `reset.browser.${Date.now()}@example.com` });
	const { page, problems } = await openPage(browser, 1100, 800);

	await page.goto(`${BASE}/self`);
	await page.getByRole('link', { name: 'Forgot password?' }).click();
	await page.getByLabel('VEid').fill(veId);
	await page.screenshot({ path: shotPath('reset-1-forgot.png') });
	await page.getByRole('button', { name: 'Mail me a link' }).click();
	check(await page.locator('#reset-sent').isVisible(), 'the answer says a link is on its way (whether or not the VE exists)');
	await page.screenshot({ path: shotPath('reset-2-sent.png') });

	const link = await mailLink([`Password reset for VE ${veId}`], /\/self\/reset\?token=[0-9a-f]{64}/);
	check(true, 'the reset mail arrived in var/mail with its link');
	await page.goto(`${BASE}${link}`);
	const fresh = 'Brand-new-pass-' + Date.now();
	await page.getByLabel('New password').fill(fresh);
	await page.getByLabel('The same again').fill(fresh);
	await page.screenshot({ path: shotPath('reset-3-form.png') });
	await axeAndPhone(page, 'the reset form', shotPath('reset-3-form-375.png'));
	await page.getByRole('button', { name: 'Set the password' }).click();
	check(await page.locator('#reset-done').isVisible(), 'the password is set');
	await page.screenshot({ path: shotPath('reset-4-done.png') });
	await axeAndPhone(page, 'the reset\'s answer', shotPath('reset-4-done-375.png'));

	noProblems(problems);
	await page.goto(`${BASE}${link}`);
	check(await page.locator('#reset-bad').isVisible(), 'the link works once');
	await page.screenshot({ path: shotPath('reset-5-used.png') });
	problems.length = 0;	/* the used link's 410 is logged as a failed load */
	await selfLogin(page, veId, fresh);
	check((await page.locator('#ve-id').innerText()).trim() === veId, 'the new password logs in');
	noProblems(problems);

	// A document as PDF: its first page as an image.
	const number = sql('SELECT number FROM invoices ORDER BY id DESC LIMIT 1');
	if (number) {
		const p = await fetch(`${BASE}/api/v1/invoices/${number}.pdf`, { headers: { Authorization: `Bearer ${adminToken()}` } });
		check(p.status === 200 && p.headers.get('content-type') === 'application/pdf', `${number}.pdf is a PDF`);
		const file = shotPath('pdf-invoice.pdf');
		writeFileSync(file, Buffer.from(await p.arrayBuffer()));
		execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, shotPath('pdf-invoice-1')]);
		check(true, `the first page of ${number}.pdf is in shots/pdf-invoice-1.png`);
	} else
		console.log('# no invoice in the database yet: no PDF page shot');
}, () => release(veId));
