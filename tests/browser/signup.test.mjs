// A person orders a VE through the signup form, reads the VEid and the
// root password from the answer page, logs in to "My VE" and sees the
// dashboard; a mistake on the way is shown next to its field.  Screenshots
// go to tests/browser/shots/.  Exits non-zero on any failure.
import { BASE, axeAndPhone, check, follow, noCsp, openPage, phoneFits, release, runSuite, shotPath, snap } from './lib/check.mjs';

// The VE this test made is given back at the end, as an operator's delete
// would, so that repeated runs do not use up the demo address pool.
let veId = '';
await runSuite(async (browser) => {
	const { ctx, page, problems } = await openPage(browser, 1280, 900);

	// The form, as a customer first sees it.
	let resp = await page.goto(`${BASE}/signup`);
	check(resp.status() === 200, 'GET /signup answers 200');
	check(await page.locator('details.advanced').getAttribute('open') === null,
		'the advanced part starts collapsed');
	check(await page.locator('label.plan').count() >= 2, 'plans are offered with their prices');
	check(/\d+\.\d\d [A-Z]{3}/.test(await page.locator('.plan-price').first().innerText()),
		'a price is shown as money');
	await snap(page, 'signup-form.png');

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
	await follow(page, page.getByRole('button', { name: /Order and create/ }));

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
	await snap(page, 'signup-error.png');

	// Correct it and order.
	const password = 'Browser-Test-Pass-' + Date.now();
	await page.getByLabel('Root password').fill(password);
	await follow(page, page.getByRole('button', { name: /Order and create/ }));
	check(await page.locator('h1').innerText() === 'Your VE is ready', 'the answer page says the VE is ready');
	veId = (await page.locator('#ve-id').innerText()).trim();
	const shown = (await page.locator('#root-password').innerText()).trim();
	check(/^[0-9A-F]{8}$/.test(veId), `the VEid ${veId} is 8 hex digits`);
	check(shown === password, 'the root password is shown once');
	check(await page.locator('td.ip').count() === 2, 'two IP addresses were received');
	check((await page.locator('table.order-summary').innerText()).includes('www.browser-test.example'),
		'the order summary lists the DNS names');
	await snap(page, 'signup-created.png');
	await axeAndPhone(page, 'the order\'s answer', shotPath('signup-created-375.png'));

	// Log in to My VE.
	await page.getByRole('link', { name: 'Go to My VE' }).click();
	await page.getByLabel('VEid').fill(veId.toLowerCase());
	await page.getByLabel('Root password').fill(password);
	await snap(page, 'self-login.png');
	await follow(page, page.getByRole('button', { name: 'Log in' }));
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
	await snap(page, 'self-dashboard.png');

	// Log out.
	await follow(page, page.getByRole('button', { name: 'Log out' }));
	check(await page.getByLabel('VEid').isVisible(), 'logging out shows the login form again');

	// A phone-sized screen.
	await phoneFits(browser, '/signup', 'the form fits a phone screen without sideways scrolling',
		{ shot: 'signup-phone.png' });
	noCsp(problems);
	await ctx.close();
}, () => release(veId));
