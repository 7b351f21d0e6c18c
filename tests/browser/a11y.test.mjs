// Every page in a real browser, checked by axe-core (zero violations, WCAG
// 2.x A/AA and best practices) and every customer page at a phone's width
// (375 px: the document does not scroll sideways and every amount is on
// screen).  The pages are found by following links: the public ones
// (order form, its answer, the logins, "Forgot password?", an error page),
// the owner's (/self and every page it links to: charges drill-down,
// invoices, notes) and the operator's (/admin and every page its menu and
// lists link to, one of each kind).  The VE looked at has history, an
// invoice with a payment and a throttled traffic cap, so the pages show
// their full tables and notices.  Screenshots: tests/browser/shots/a11y-*.png.
// Exits non-zero on any failure.
import {
	BASE, G, H, adminLogin, axeClean, billedVe, check, crawl, narrowClean, openPage, pathPattern, release, runSuite,
	selfLogin, shotPath, snap,
} from './lib/check.mjs';

const PHONE = { width: 375, height: 812 };

// A VE on a sim node with history last month and this month, invoiced for
// 2020-02 and partly paid, its outbound traffic throttled this month.
async function richVe(password) {
	const { ve } = await billedVe(password, {
		email: `a11y.${Date.now()}@example.com`, disk_quota_mb: 20000, ip_count: 2,
		net_quota_max_mb: 900000, net_out_quota_max_mb: 300000, mem_max_mb: 512,
		user_info: 'Web shop of Example & Söhne GmbH, Hauptstraße 1, 10115 Berlin',
	}, { most: 3, reference: 'bank transfer', hoursOn: () => [[0, 20 * H, 30 * G, 12 * G], [8, 35 * H, 25 * G, 8 * G]] });
	return ve;
}

let veId = '';
const shot = (page, name) => snap(page, `a11y-${name}.png`);
const slug = (path) => pathPattern(path).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root';

// axe at the desktop width, then (customer pages) the phone pass with a screenshot.
async function both(page, path, { phone = true } = {}) {
	await axeClean(page, path);
	if (!phone)
		return;
	const wide = page.viewportSize();
	await page.setViewportSize(PHONE);
	await narrowClean(page, path);
	await shot(page, `375-${slug(path)}`);
	await axeClean(page, `${path} at 375 px`);
	await page.setViewportSize(wide);
}

await runSuite(async (browser) => {
	const password = 'A11y-browser-' + Date.now();
	veId = await richVe(password);
	const { ctx, page } = await openPage(browser, 1280, 900);

	// Public pages.
	for (const path of ['/signup', '/self', '/self/forgot', '/self/reset?token=x', '/admin/login', '/self/no-such-page']) {
		await page.goto(`${BASE}${path}`);
		await both(page, path, { phone: !path.startsWith('/admin') });
	}
	// The order form with errors, and its answer.
	await page.goto(`${BASE}/signup`);
	await page.getByRole('button', { name: /Order and create/ }).click();
	await page.waitForSelector('#problems');
	check(await page.evaluate(() => document.activeElement.id) === 'problems',
		'a failed order puts the focus on the list of problems (autofocus, no script)');
	await both(page, '/signup (errors)');
	// The owner's login with an error, then every page of /self.
	await selfLogin(page, veId, 'wrong-password-here');
	await page.waitForSelector('#login-error');
	check(await page.evaluate(() => document.activeElement.id) === 'password',
		'a failed login puts the cursor in the password field');
	await both(page, '/self/login (error)');
	await selfLogin(page, veId, password, { fresh: false });
	await page.waitForSelector('#ve-id');
	await shot(page, 'self');
	const selfPages = await crawl(page, BASE, ['/self', '/self?range=day', '/self?range=month'], '/self',
		(p, path) => both(p, path), { skip: [/^\/self\/(forgot|reset|logout)/] });
	check(selfPages.some((p) => p.startsWith('/self/charges')) && selfPages.some((p) => p.startsWith('/self/invoices/')),
		`the owner's pages were found by their links (${selfPages.length}: ${selfPages.join(' ')})`);
	// A failed password change.
	await page.goto(`${BASE}/self`);
	await page.getByLabel('Current password').fill('not-the-password');
	await page.getByLabel('New password', { exact: true }).fill('short');
	await page.getByLabel('New password again').fill('other');
	await page.getByRole('button', { name: 'Change password' }).click();
	await page.waitForSelector('#e-old');
	const at = await page.evaluate(() => {
		const f = document.getElementById('pw-problems').getBoundingClientRect();
		return { focus: document.activeElement.id, y: window.scrollY, top: f.top, h: window.innerHeight };
	});
	check(at.focus === 'old_password', `a failed password change focuses the first wrong field (${at.focus})`);
	check(at.y > 0 && at.top >= 0 && at.top < at.h,
		`the answer opens at the form with its errors in view (scrolled ${at.y}, summary at ${Math.round(at.top)})`);
	await page.screenshot({ path: shotPath('a11y-self-password-errors-view.png') });	/* what the owner sees */
	await both(page, '/self/password (errors)');

	// The operator's pages.
	const { ctx: actx, page: ap } = await openPage(browser, 1366, 900);
	await adminLogin(ap);
	await ap.waitForURL(/\/admin$/);
	const adminPages = await crawl(ap, BASE, ['/admin', `/admin/ves/${veId}`, '/admin/plans'], '/admin',
		async (p, path) => {
			await axeClean(p, path);
			await shot(p, `admin-${slug(path)}`);
		}, { skip: [/^\/admin\/login/] });
	check(adminPages.length >= 10, `the operator's pages were found by their links (${adminPages.length}: ${adminPages.join(' ')})`);
	await actx.close();
	await ctx.close();
}, () => release(veId));
