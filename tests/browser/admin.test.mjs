// The operator's screens in a real browser: a wrong password is refused,
// the right one opens the dashboard; the VE list finds a VE the test
// ordered through the API; its page suspends and resumes it (the forms
// carry their CSRF tokens) and finally deletes it; nodes, plans and the
// usage report (table, chart, CSV link) show; no Content-Security-Policy
// violation on the way.  Screenshots go to tests/browser/shots/admin-*.png.
// Exits non-zero on any failure.
import { BASE, adminLogin, check, follow, noCsp, openPage, orderVe, phoneFits, runSuite, snap } from './lib/check.mjs';

await runSuite(async (browser) => {
	// A VE to look at, ordered like a customer would.
	const ve = { email: `admin.browser.${Date.now()}@example.com` };
	ve.ve_id = await orderVe('the order is accepted', 'Admin-browser-' + Date.now(), { email: ve.email });
	check(/^[0-9A-F]{8}$/.test(ve.ve_id), `a VE ${ve.ve_id} was ordered for the test`);

	const { ctx, page, problems } = await openPage(browser, 1366, 900);

	// Not logged in: the login page.
	let resp = await page.goto(`${BASE}/admin/ves`);
	check(new URL(page.url()).pathname === '/admin/login', 'a page asked for without a session leads to the login');
	// (An unknown name, so the real operator's failed-login count stays untouched.)
	await adminLogin(page, { name: 'nobody-browser-test', password: 'not-the-password', fresh: false });
	check(/wrong/.test(await page.locator('#login-error').innerText()), 'a wrong password is refused');
	await snap(page, 'admin-login.png');
	await adminLogin(page, { fresh: false });
	check(await page.locator('h1').innerText() === 'Dashboard', 'the right password opens the dashboard');
	const cookies = await ctx.cookies();
	const sid = cookies.find((c) => c.name === 'vep_admin');
	check(sid && sid.httpOnly && sid.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
	check(await page.locator('.stat').count() >= 3, 'the dashboard shows its figures');
	await snap(page, 'admin-dashboard.png');

	// VE list and search.
	await follow(page, page.getByRole('link', { name: 'VEs', exact: true }));
	check(await page.locator('table.data tbody tr').count() >= 1, 'the VE list shows VEs');
	await page.getByLabel('Search').fill(ve.email);
	await follow(page, page.getByRole('button', { name: 'Search' }));
	check(await page.locator('table.data tbody tr').count() === 1, 'searching by e-mail finds exactly the VE');
	await snap(page, 'admin-ves.png');

	// VE detail: suspend with a reason, then resume.
	await follow(page, page.getByRole('link', { name: ve.ve_id }));
	check((await page.locator('h1').innerText()).includes(ve.ve_id), 'the VE page opens');
	await page.getByLabel(/Reason for suspending/).fill('browser test');
	await follow(page, page.getByRole('button', { name: 'Suspend' }));
	check((await page.locator('[role=status]').innerText()).includes('suspended'), 'suspending says so');
	check((await page.locator('h1 .state').innerText()) === 'suspended', 'the VE is shown suspended');
	check((await page.locator('table.audit').innerText()).includes('ve.suspend'), 'the change is in the VE\'s history');
	await snap(page, 'admin-ve.png');
	await follow(page, page.getByRole('button', { name: 'Resume' }));
	check((await page.locator('h1 .state').innerText()) === 'active', 'resuming makes it active again');
	// Deleting needs the box ticked.
	await follow(page, page.getByRole('button', { name: 'Delete' }));
	check(/Tick the box/.test(await page.locator('#e-confirm').innerText()), 'deleting without confirming is refused');

	// Nodes, plans.
	await follow(page, page.getByRole('link', { name: 'Nodes', exact: true }));
	check(await page.locator('table.data tbody tr').count() >= 1, 'the nodes are listed with their health');
	await snap(page, 'admin-nodes.png');
	await follow(page, page.getByRole('link', { name: 'Plans', exact: true }));
	check(await page.locator('.plan-card').count() >= 1, 'the plans are listed');
	await snap(page, 'admin-plans.png');

	// The usage report: table, chart and CSV link.
	await follow(page, page.getByRole('link', { name: 'Reports', exact: true }));
	await snap(page, 'admin-reports.png');
	await follow(page, page.getByRole('link', { name: 'usage', exact: true }));
	check(await page.locator('table#report thead th').count() === 7, 'the usage report has its seven columns');
	const chartOk = await page.locator('.report-chart img').evaluate((i) => i.complete && i.naturalWidth > 0);
	check(chartOk, 'the report chart loads as an image');
	check((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).includes('format=csv'),
		'a CSV download is offered');
	await snap(page, 'admin-report-usage.png');
	await page.goto(`${BASE}/admin/reports/revenue`);
	await snap(page, 'admin-report-revenue.png');
	await page.goto(`${BASE}/admin/invoices`);
	await snap(page, 'admin-invoices.png');

	// Delete the test VE through its page, then log out.
	await page.goto(`${BASE}/admin/ves/${ve.ve_id}`);
	await page.getByLabel(/Delete this VE/).check();
	await follow(page, page.getByRole('button', { name: 'Delete' }));
	check((await page.locator('h1 .state').innerText()) === 'deleted', 'the VE is deleted');
	await follow(page, page.getByRole('button', { name: 'Log out' }));
	check(new URL(page.url()).pathname === '/admin/login', 'logging out leads back to the login');
	resp = await page.goto(`${BASE}/admin`);
	check(new URL(page.url()).pathname === '/admin/login', 'after logout the dashboard is closed');

	// A phone-sized screen.
	await phoneFits(browser, '/admin/login', 'the login fits a phone screen');
	noCsp(problems);
	check(resp.status() === 200, 'the login page answers 200');
	await ctx.close();
});
