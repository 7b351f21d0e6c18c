// Customer accounts in a real browser (issue 18): sign-up at /account, the
// verification link read from the mail the dev mail catcher stored
// (var/mail/*.eml), login, a VE ordered into the account through the signup
// form's fields (/account/order), a VE ordered from outside linked with its
// VEid and password, both on the account page with this month's charges,
// and after an invoice run (the two VEs rated in a past month of this run's
// own) one invoice that bills both.  No console error or CSP violation on
// the way; axe-core finds no violation and nothing scrolls sideways at
// 375 px on each page (lib/check.mjs).  Screenshots:
// tests/browser/shots/account-*.png.
import {
	BASE, api, asAdmin, axeAndPhone, check, mailLink, noProblems, openPage, orderVe, runSuite, shotPath, snap, sql,
} from './lib/check.mjs';

const stamp = Date.now();
const addr = `account.browser.${stamp}@example.com`;
await runSuite(async (browser) => {
	const { page, problems } = await openPage(browser, 1100, 800);

	// Sign up.
	const pw = 'Account-browser-' + stamp;
	await page.goto(`${BASE}/signup`);
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My account' }).click();
	const signup = page.locator('#signup-form');
	await signup.getByLabel('E-mail address').fill(addr);
	await signup.getByLabel('Password').fill(pw);
	await signup.getByLabel('The same again').fill(pw + 'x');	// a mistake first
	await signup.getByRole('button', { name: 'Open an account' }).click();
	check((await page.locator('#signup-error').innerText()).includes('not the same'),
		'two different passwords are refused in words');
	check(await page.locator('#signup-email').inputValue() === addr, 'the address is kept');
	await snap(page, 'account-1-signup-error.png');
	await axeAndPhone(page, 'the account login and sign-up page', shotPath('account-1-375.png'));
	await signup.getByLabel('Password').fill(pw);
	await signup.getByLabel('The same again').fill(pw);
	await signup.getByRole('button', { name: 'Open an account' }).click();
	check((await page.locator('#account-notice').innerText()).includes('Check your mail'), 'the page says to check the mail');
	await snap(page, 'account-2-check-mail.png');

	// Logged in before confirming: no ordering yet.
	const login = page.locator('#login-form');
	await login.getByLabel('E-mail address').fill(addr);
	await login.getByLabel('Password').fill(pw);
	await login.getByRole('button', { name: 'Log in' }).click();
	check(await page.locator('#verify-banner').isVisible(), 'an unconfirmed account says so');
	check(await page.locator('#order-link').count() === 0, 'no ordering before the address is confirmed');
	await snap(page, 'account-3-unverified.png');
	await axeAndPhone(page, 'an unconfirmed account', shotPath('account-3-375.png'));
	const r403 = await page.goto(`${BASE}/account/order`);
	check(r403.status() === 403, 'the order form is refused before the address is confirmed');
	await snap(page, 'account-3b-order-refused.png');
	problems.length = 0;	/* the 403 is logged as a failed load */

	// The link from the mail.
	const link = await mailLink([`To: <${addr}>`, 'Confirm your e-mail address'], /\/account\/verify\?token=[0-9a-f]{64}/);
	check(true, 'the verification mail arrived with its link');
	await page.goto(`${BASE}${link}`);
	check((await page.locator('#account-notice').innerText()).includes('confirmed'), 'the address is confirmed');
	check(await page.locator('#verified').isVisible(), 'the account shows it');
	await snap(page, 'account-4-verified.png');

	// A VE ordered into the account with the signup form's fields.
	await page.locator('#order-link').click();
	check((await page.locator('#into-account').innerText()).includes(addr), 'the form says which account the VE goes into');
	check(await page.locator('#i-email').count() === 0, 'no e-mail field: the account\'s address is used');
	const rootPw = 'Account-VE-pass-' + stamp;
	await page.getByLabel('Root password').fill(rootPw);
	await snap(page, 'account-5-order.png');
	await axeAndPhone(page, 'the order form of an account', shotPath('account-5-375.png'));
	await page.getByRole('button', { name: /Order and create/ }).click();
	await page.waitForLoadState('domcontentloaded');
	check(await page.locator('h1').innerText() === 'Your VE is ready', 'the VE is created');
	const mine = (await page.locator('#ve-id').innerText()).trim();
	await snap(page, 'account-6-created.png');
	await axeAndPhone(page, 'the answer to an order into an account', shotPath('account-6-375.png'));
	await page.locator('#back-to-account').click();

	// A VE ordered from outside, linked with its password.
	const outsidePw = 'Outside-VE-pass-' + stamp;
	const other = await orderVe('a VE is ordered from outside the account', outsidePw,
		{ email: `outside.${stamp}@example.com` });
	const linkForm = page.locator('#link-form');
	await linkForm.getByLabel('VEid').fill(other);
	await linkForm.getByLabel("The VE's root password").fill('not-the-password');
	await linkForm.getByRole('button', { name: 'Link the VE' }).click();
	check((await page.locator('#link-error').innerText()).includes('password is wrong'), 'a wrong VE password is refused');
	await snap(page, 'account-7-link-refused.png');
	await axeAndPhone(page, 'a refused link', null);
	problems.length = 0;	/* the 403 */
	await linkForm.getByLabel("The VE's root password").fill(outsidePw);
	await linkForm.getByRole('button', { name: 'Link the VE' }).click();
	check((await page.locator('#account-notice').innerText()).includes('now part of your account'), 'the VE is linked');
	const ves = await page.locator('td.ve-id').allInnerTexts();
	check(ves.includes(mine) && ves.includes(other) && ves.length === 2, 'both VEs are on the account page');
	check(await page.locator('td.ve-charges').count() === 2 && await page.locator('td.month-total').count() === 1,
		'each with its charges this month and the total');
	await snap(page, 'account-8-two-ves.png');

	// One invoice for both: the two rated in a past month of this run's own.
	const y = 2010 + (stamp % 8), m = 1 + Math.floor(stamp / 8) % 12;
	const period = `${y}-${String(m).padStart(2, '0')}`;
	const start = Date.UTC(y, m - 1, 1) / 1000;
	sql(`UPDATE ves SET created_at = ${start}, updated_at = ${start} WHERE id IN ('${mine}', '${other}')`);
	sql(`UPDATE ve_state_log SET at = ${start} WHERE ve_id IN ('${mine}', '${other}')`);
	const run = await api('POST', '/api/v1/admin/invoice-runs', { period }, asAdmin());
	check(run.status === 200 || run.status === 201, `the invoice run for ${period}`);
	await page.reload();
	const rows = page.locator('#invoices tbody tr');
	check(await rows.count() === 1, 'one invoice');
	const billed = (await rows.first().locator('.inv-ves').innerText()).trim().split(/\s+/).sort();
	check(JSON.stringify(billed) === JSON.stringify([mine, other].sort()), `the invoice bills both VEs (${billed})`);
	const pdf = await page.locator('#invoices a[href$=".pdf"]').getAttribute('href');
	const got = await page.request.get(`${BASE}${pdf}`);
	check(got.status() === 200 && got.headers()['content-type'] === 'application/pdf', `the invoice opens as PDF (${pdf})`);
	await page.locator('#h-invoices').scrollIntoViewIfNeeded();
	await snap(page, 'account-9-one-invoice.png');
	await axeAndPhone(page, 'the account with two VEs and an invoice', shotPath('account-10-phone.png'));
	noProblems(problems);
});
