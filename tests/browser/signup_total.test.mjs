// The signup's monthly total (issue 18) in a real browser, without any
// script: the fresh form shows the first plan's total; choosing a plan and
// a disk quota above its included GB and pressing "Update the total" shows
// fee + disk above the included (computed here independently from the
// plan's JSON, to the cent) and what happens at the traffic cap; setting a
// traffic maximum changes that sentence; nothing is ordered by updating;
// the order's answer page shows the same total.  Screenshots:
// tests/browser/shots/signup-total-*.png.  Exits non-zero on any failure.
import { api, asAdmin, BASE, check, follow, openPage, runSuite, snap } from './lib/check.mjs';

const money = (minor, cur) => `${(minor / 100).toFixed(2)} ${cur}`;
const half = (num, den) => Math.floor((2 * num + den) / (2 * den));

const pro = (await api('GET', '/api/v1/admin/plans', undefined, asAdmin())).json.plans.find((p) => p.code === 'PRO4');
await runSuite(async (browser) => {
	check(pro && pro.currency === 'EUR', 'the demo catalogue has plan PRO4 in EUR');
	const { ctx, page } = await openPage(browser, 1280, 900, { javaScriptEnabled: false });
	await page.goto(`${BASE}/signup`);
	check(/a month/i.test(await page.locator('#total').innerText()), 'the fresh form shows a monthly total');

	// PRO4 with a disk quota above what it includes.
	const gb = pro.included.disk_gb + 7.5;
	await page.locator('label.plan', { hasText: 'Pro 4' }).click();
	await page.locator('#i-disk_quota_mb').fill(String(gb * 1000));
	await follow(page, page.locator('#total-update'));
	const disk = half(7.5 * 1000 * pro.overage_minor.disk_gb_month, 1000);
	check(await page.locator('#total-fee').innerText() === money(pro.monthly_fee_minor, 'EUR'),
		`the fee is the plan's (${money(pro.monthly_fee_minor, 'EUR')})`);
	check(await page.locator('#total-disk').innerText() === money(disk, 'EUR'),
		`7.5 GB above the included cost ${money(disk, 'EUR')}`);
	check(await page.locator('#total-total').innerText() === money(pro.monthly_fee_minor + disk, 'EUR'),
		'the total is fee + disk, to the cent');
	const cap = await page.locator('#total-cap').innerText();
	check(pro.limits.cap_action === 'suspend' ? /suspended until the month ends/.test(cap)
		: /throttled to \d+ kbit\/s until the month ends/.test(cap), `the traffic cap is explained: ${cap}`);
	check(await page.locator('#i-disk_quota_mb').inputValue() === String(gb * 1000), 'the typed quota is kept');
	check(await page.locator('#problems').count() === 0, 'updating the total judges nothing');
	await snap(page, 'signup-total.png');

	// A traffic maximum: the sentence is about the customer's own cap now.
	await page.locator('details.advanced > summary').click();
	await page.locator('input[name=net_quota_max_mb]').fill('50000');
	await follow(page, page.locator('#total-update'));
	check(/^At your traffic cap/.test(await page.locator('#total-cap').innerText()), 'with a cap set it says what happens at it');

	// The order: the answer page shows the same total.
	await page.getByLabel('Operating system').selectOption('debian-12-lamp');
	await page.getByLabel('E-mail address').fill(`total.${Date.now()}@example.com`);
	await page.getByLabel('Root password').fill('Total-Test-Pass-' + Date.now());
	await follow(page, page.getByRole('button', { name: /Order and create/ }));
	check(await page.locator('h1').innerText() === 'Your VE is ready', 'the VE was ordered');
	check((await page.locator('#created-total').innerText()).startsWith(money(pro.monthly_fee_minor + disk, 'EUR')),
		'the answer page shows the same monthly total');
	await snap(page, 'signup-total-created.png');
	await ctx.close();
});
