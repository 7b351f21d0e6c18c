// Billing on "My VE" in a real browser: a VE ordered through the API is
// moved back to 2020-02 and given usage then and this month, invoiced for
// 2020-02 by the billing engine (an invoice run), partly paid, and capped
// this month.  The owner logs in and sees the cap notice, the charges and
// the invoice; opens a metered line's days and one day's hours; opens the
// invoice's print page (also as printed).  No Content-Security-Policy
// violation on the way.  Screenshots: tests/browser/shots/self-billing-*.png.
// Exits non-zero on any failure.
import {
	BASE, G, H, api, asOwner, billedVe, check, follow, noCsp, openPage, phoneFits, release, runSuite, selfLogin,
	shotPath, snap, sql,
} from './lib/check.mjs';

let veId = '';
await runSuite(async (browser) => {
	// The VE and its history.
	const password = 'Billing-browser-' + Date.now();
	const { ve, number, days, now, period } = await billedVe(password, {
		email: `self.billing.${Date.now()}@example.com`, disk_quota_mb: 20000,
		net_quota_min_mb: 5000, net_quota_max_mb: 900000, net_out_quota_min_mb: 1000, net_out_quota_max_mb: 300000,
	}, {
		most: 5, reference: 'bank transfer 2020-02',
		hoursOn: (k) => [[0, 20 * H + k, 30 * G + k * 7 * G, 12 * G], [8, 35 * H, 25 * G, 8 * G + k],
			[14, 11 * H, 9 * G, 3 * G], [21, 4 * H, 6 * G, 2 * G]],
	});
	veId = ve;
	sql(`REPLACE INTO ve_totals (ve_id, cpu_user_us, net_in_bytes, net_out_bytes, vmem_last_bytes,
	     disk_last_bytes, last_t) VALUES ('${veId}', ${800 * H}, ${500 * G}, ${200 * G}, 412000000,
	     3100000000, ${now - 20})`);
	const charges = await api('GET', `/api/v1/ves/${veId}/charges?period=${period}`, undefined, asOwner(veId, password));

	const { ctx, page, problems } = await openPage(browser, 1280, 900);
	await selfLogin(page, veId, password);
	check((await page.locator('#ve-id').innerText()).trim() === veId, 'the dashboard shows the VE');
	const notice = await page.locator('#cap-notice').innerText();
	check(/limited to 1 Mbit\/s/.test(notice) && /Traffic out reached its cap of 300 GB/.test(notice),
		'the cap notice says which cap and what happened');
	await page.screenshot({ path: shotPath('self-billing-top.png') });
	const rows = await page.locator('#charges-table tr.cline').count();
	check(rows === charges.json.lines.length, `the charges table has the API's ${rows} lines`);
	check((await page.locator('#charges-total').innerText()).includes('EUR'), 'the total is shown with its currency');
	check(await page.locator(`#invoices-table a[href="/self/invoices/${number}"]`).count() === 1,
		'the invoice is listed with a link');
	await page.locator('#charges').scrollIntoViewIfNeeded();
	await page.locator('#charges').screenshot({ path: shotPath('self-billing-charges.png') });
	await page.locator('#invoices').screenshot({ path: shotPath('self-billing-invoices.png') });
	await page.locator('table.usage').screenshot({ path: shotPath('self-billing-usage.png') });

	// The days behind the traffic overage, then one day's hours.
	await follow(page, page.locator('#charges-table a', { hasText: 'Traffic in + out, above the included amount' }));
	check(/Traffic in \+ out/.test(await page.locator('h1').innerText()), 'the drill-down page opens');
	check(await page.locator('table.days tr.day').count() >= days.length, 'it lists the days');
	await snap(page, 'self-billing-days.png');
	await follow(page, page.locator('table.days tr.day a').first());
	check(await page.locator('#hours tr.hour').count() >= 4, "a day's hours are shown");
	await snap(page, 'self-billing-hours.png');

	// The invoice, on screen and as printed.
	await page.goto(`${BASE}/self#invoices`);
	await follow(page, page.locator(`#invoices-table a[href="/self/invoices/${number}"]`));
	check((await page.locator('#invoice-number').innerText()).trim() === number, 'the invoice page opens');
	check(await page.locator('tr.iline').count() > 0, 'it has its lines');
	check((await page.locator('#invoice-paid').innerText()).trim() === '15.00', 'the payment is counted');
	await snap(page, 'self-billing-invoice.png');
	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator('.invoice-tools').isVisible()), 'the navigation is not printed');
	await snap(page, 'self-billing-invoice-print.png');
	await page.emulateMedia({ media: 'screen' });

	// A phone-sized screen: the billing tables scroll inside their cards.
	await phoneFits(browser, '/self#charges', 'the dashboard fits a phone screen without sideways scrolling',
		{ ctx, shot: 'self-billing-phone.png', of: '#charges' });
	noCsp(problems);
	await ctx.close();
}, () => release(veId));
