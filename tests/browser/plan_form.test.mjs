// The operator's plan form (issue 18) in a real browser: a new plan typed
// into its fields with four mistakes is refused, each mistake named at its
// own field in plan_parse's words, the typed values kept and nothing saved;
// corrected, it is saved and listed, and the API's plan JSON holds exactly
// what was typed (prices in minor units); "Change on a form" opens it
// filled in, and a new fee from today becomes the version in force.  The
// form fits a 375 px phone.  Screenshots: tests/browser/shots/plan-form-*.png.
// Exits non-zero on any failure.
import {
	BASE, adminLogin, api, asAdmin, check, follow, noCsp, openPage, phoneFits, runSuite, snap,
} from './lib/check.mjs';

async function planJson(code) {
	const r = await api('GET', '/api/v1/admin/plans', undefined, asAdmin());
	if (r.status !== 200)
		throw new Error(`GET /api/v1/admin/plans: ${r.status}`);
	return r.json.plans.find((p) => p.code === code);
}

// One code for every run: a run adds a price version to it instead of another plan.
const code = 'PFTEST';
await runSuite(async (browser) => {
	const { ctx, page, problems } = await openPage(browser, 1366, 900);

	await adminLogin(page);
	await page.goto(`${BASE}/admin/plans`);
	await follow(page, page.locator('#plan-new'));
	check(new URL(page.url()).pathname === '/admin/plans/new', 'the plans page leads to the plan form');
	check(await page.getByLabel('Monthly fee').inputValue() === '15.00',
		'a new form starts from the example plan, prices in major units');

	const before = JSON.stringify(await planJson(code));
	// Four mistakes.
	await page.getByLabel('Code', { exact: true }).fill(code);
	await page.getByLabel('Name', { exact: true }).fill('Plan form test');
	await page.getByLabel('Currency').fill('EUR');
	await page.getByLabel('Monthly fee').fill('12.505');
	await page.getByLabel(/Disk quota included/).fill('-3');
	await page.getByLabel(/Disk quota price per/).fill('0.40');
	await page.getByLabel(/Most IP addresses/).fill('0');
	for (const l of ['ssh', 'telnet', 'rsh', 'x11'])
		await page.locator(`#login_${l}`).uncheck();
	await page.getByLabel(/suspend it until the month ends/).check();
	await follow(page, page.locator('#plan-save'));
	check(/errors/.test(await page.locator('#form-error').innerText()), 'the plan with mistakes is refused');
	check(/decimals/.test(await page.locator('#e-monthly_fee').innerText()), 'the fee with three decimals is named');
	check(/included\.disk_gb must be a whole number/i.test(await page.locator('#e-inc_disk_gb').innerText()),
		'a negative included disk is named in plan_parse\'s words');
	check(/at least 1/.test(await page.locator('#e-max_ip_count').innerText()), 'zero IP addresses is named');
	check(/login/.test(await page.locator('#e-login_ssh').innerText()), 'no login style is named');
	check(await page.getByLabel('Monthly fee').inputValue() === '12.505', 'the typed values are kept');
	check(await page.getByLabel(/suspend it until the month ends/).isChecked(), 'the cap choice is kept');
	check((await page.locator('.error').count()) === 4, 'exactly the four mistakes are named');
	await snap(page, 'plan-form-errors.png');
	check(JSON.stringify(await planJson(code)) === before, 'nothing was saved');

	// Corrected.
	await page.getByLabel('Monthly fee').fill('12.50');
	await page.getByLabel(/Disk quota included/).fill('15');
	await page.getByLabel(/Most IP addresses/).fill('2');
	await page.locator('#login_ssh').check();
	await follow(page, page.locator('#plan-save'));
	check(new URL(page.url()).pathname === '/admin/plans', 'the corrected plan is saved');
	check(/saved/.test(await page.locator('.alert-ok').innerText()), 'the plans page says so');
	check(await page.locator('.plan-card', { hasText: code }).count() === 1, 'the new plan is listed');
	let p = await planJson(code);
	check(p && p.monthly_fee_minor === 1250 && p.included.disk_gb === 15 && p.overage_minor.disk_gb_month === 40
		&& p.limits.max_ip_count === 2 && p.limits.cap_action === 'suspend'
		&& JSON.stringify(p.limits.login) === '["ssh"]',
		`the plan JSON holds what was typed (${JSON.stringify(p)})`);

	// Changed on the form.
	await follow(page, page.locator('.plan-card', { hasText: code }).getByRole('link', { name: 'Change on a form' }));
	check((await page.locator('h1').innerText()).includes(code), 'the form opens for the plan');
	check(await page.getByLabel('Monthly fee').inputValue() === '12.50'
		&& await page.getByLabel(/Disk quota price per/).inputValue() === '0.40', 'it is filled with the plan in force');
	await snap(page, 'plan-form-edit.png');
	await page.getByLabel('Monthly fee').fill('14.00');
	await follow(page, page.locator('#plan-save'));
	p = await planJson(code);
	check(p.monthly_fee_minor === 1400 && p.included.disk_gb === 15, 'the new fee is in force from today');

	// A phone.
	await phoneFits(browser, '/admin/plans/new', 'the form fits a 375 px phone without sideways scrolling',
		{ ctx, width: 375, height: 800, shot: 'plan-form-phone.png' });
	noCsp(problems);
	await ctx.close();
});
