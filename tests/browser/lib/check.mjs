// Shared steps and checks of the browser tests: the instance's addresses and
// files, the browser launch and a suite's run, a page that collects console
// errors, ordering a VE through the API, the owner's and the operator's
// logins, mail links from the dev mail catcher, a VE with billing history,
// axe-core on a page (zero violations wanted), the phone-width pass (no
// sideways scroll, every amount on screen), and a small crawler that finds
// every page of a screen family from its links.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// axe-core from npm (tests/browser/package.json), evaluated in the page by
// the DevTools protocol: the pages' Content-Security-Policy (no inline
// script) stays in force for the page itself.
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// With VEP_CHECK_SOFT=1 a failed check is reported and counted (softFailures)
// instead of thrown, to see every problem of a run at once.
export const softFailures = [];

export function check(cond, what) {
	if (!cond) {
		if (process.env.VEP_CHECK_SOFT) {
			softFailures.push(what);
			console.log(`not ok - ${what}`);
			return;
		}
		throw new Error(`check failed: ${what}`);
	}
	console.log(`ok - ${what}`);
}

// axe-core's violations on the page as loaded, WCAG 2.x A and AA and best
// practices; [] when clean.  Each is "rule: target (summary)".
export async function axeViolations(page) {
	await page.evaluate(AXE);
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => v.nodes.map((n) =>
			`${v.id}: ${n.target.join(' ')} (${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)})`)).flat();
	});
	return res;
}

export async function axeClean(page, name) {
	const v = await axeViolations(page);
	if (v.length > 0)
		console.log(`axe on ${name}:\n  ` + v.join('\n  '));
	check(v.length === 0, `axe-core finds no violation on ${name}`);
}

// At the page's current viewport: the document does not scroll sideways,
// and every amount (a td.num, .amount or data-amount cell) lies inside the
// viewport, not off in a scrolled box.  Returns the problems, [] if none.
export async function narrowProblems(page) {
	return page.evaluate(() => {
		const out = [];
		const de = document.documentElement, vw = de.clientWidth;
		if (de.scrollWidth > vw)
			out.push(`document is ${de.scrollWidth}px wide in ${vw}px`);
		if (document.body.scrollWidth > vw) {
			out.push(`body is ${document.body.scrollWidth}px wide in ${vw}px`);
			/* the widest elements that stick out, to say what to fix */
			const wide = [...document.querySelectorAll('body *')]
				.filter((el) => el.getBoundingClientRect().right > vw + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > vw + 0.5));
			for (const el of wide.slice(0, 4))
				out.push(`sticks out: ${el.tagName.toLowerCase()}#${el.id}.${el.className} "${el.textContent.trim().slice(0, 40)}"`);
		}
		for (const el of document.querySelectorAll('td.num, th.num, .amount, [data-amount]')) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 && r.height === 0)
				continue;	/* not shown (print-only and the like) */
			if (r.left < -0.5 || r.right > vw + 0.5)
				out.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" at ${Math.round(r.left)}..${Math.round(r.right)}`);
		}
		for (const el of document.querySelectorAll('main *')) {
			const st = getComputedStyle(el);
			if ((st.overflowX === 'auto' || st.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1)
				out.push(`${el.tagName.toLowerCase()}.${el.className} scrolls sideways (${el.scrollWidth} in ${el.clientWidth})`);
		}
		return out.slice(0, 12);
	});
}

export async function narrowClean(page, name) {
	const p = await narrowProblems(page);
	if (p.length > 0)
		console.log(`at ${page.viewportSize().width} px on ${name}:\n  ` + p.join('\n  '));
	check(p.length === 0, `${name} at ${page.viewportSize().width} px: no sideways scroll, amounts on screen`);
}

// The pattern of a path: VEids and document numbers made generic, so one
// page of each kind is visited.
export function pathPattern(path) {
	return path.replace(/\?.*$/, (q) => q.replace(/=[^&]*/g, '='))
		.replace(/\b[0-9A-F]{8}\b/g, 'VEID')
		.replace(/\b(INV|CN|DN)-\d{4}-\d{6}\b/g, '$1')
		.replace(/\b\d{4}-\d{2}(-\d{2})?\b/g, 'DATE')
		.replace(/\/\d+\b/g, '/N');
}

// Same-origin GET links under prefix on the page, skipping files, charts
// and anything listed in skip (regular expressions).
export async function pageLinks(page, prefix, skip = []) {
	const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
	const origin = new URL(page.url()).origin;
	const out = [];
	for (const h of hrefs) {
		const u = new URL(h);
		if (u.origin !== origin || !u.pathname.startsWith(prefix))
			continue;
		const p = u.pathname + u.search;
		if (/\.(pdf|csv|svg|png)$/.test(u.pathname) || /\/chart\b/.test(u.pathname) || /format=csv/.test(u.search))
			continue;
		if (skip.some((re) => re.test(p)))
			continue;
		out.push(p);
	}
	return out;
}

// Visit every page reachable from the start paths under prefix (one per
// path pattern, at most max), calling visit(page, path) on each.
export async function crawl(page, base, starts, prefix, visit, { skip = [], max = 60 } = {}) {
	const seen = new Set(), queue = [...starts];
	const done = [];
	while (queue.length > 0 && done.length < max) {
		const path = queue.shift();
		const pat = pathPattern(path);
		if (seen.has(pat))
			continue;
		seen.add(pat);
		const resp = await page.goto(`${base}${path}`);
		if (resp === null || resp.status() >= 400 || !(resp.headers()['content-type'] || '').startsWith('text/html'))
			continue;
		done.push(path);
		await visit(page, path);
		for (const l of await pageLinks(page, prefix, skip))
			if (!seen.has(pathPattern(l)))
				queue.push(l);
	}
	return done;
}

// axe-core at the page's width, then the phone pass at 375 px with a
// screenshot into shotPath (when given); the viewport is put back.
export async function axeAndPhone(page, name, shotPath) {
	await axeClean(page, name);
	const wide = page.viewportSize();
	await page.setViewportSize({ width: 375, height: 812 });
	await narrowClean(page, name);
	if (shotPath)
		await page.screenshot({ path: shotPath, fullPage: true });
	await page.setViewportSize(wide);
}

// ---- the instance and a suite's run -------------------------------------------
// The instance under test as ./dev's test environment names it (run.sh is
// started with it), with the defaults of a plain `./dev up`.
export const BASE = process.env.VEP_HTTP || 'http://127.0.0.1:8080';
const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VAR = process.env.VEP_VAR || join(HERE, '../../var');
export const SHOTS = join(HERE, 'shots');
const SOCK = process.env.VEP_DB_SOCKET || join(VAR, 'run/mysql/mysqld.sock');
mkdirSync(SHOTS, { recursive: true });

// A screenshot's file under tests/browser/shots/.
export const shotPath = (name) => join(SHOTS, name);

// The whole page (not only the viewport) into shots/name.
export const snap = (page, name) => page.screenshot({ path: shotPath(name), fullPage: true });

// The operator's API token and login password, read when first needed.
export const adminToken = () => process.env.VEP_ADMIN_TOKEN || readFileSync(join(VAR, 'secrets/admin.token'), 'utf8').trim();
export const adminPassword = () => readFileSync(join(VAR, 'secrets/admin.pass'), 'utf8').trim();

// One statement (or several, ;-separated) as the database's root; the
// output's rows tab-separated, without column names.
export function sql(q) {
	return execFileSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-uroot', '-N', '-B', 'vepanel', '-e', q],
		{ encoding: 'utf8' }).trim();
}

// Debian's chromium, headless, without anything that calls out.
export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

// A suite: body(browser) with a fresh browser; a failure it throws is
// reported, then the browser is closed and cleanup() run (its own failure
// reported, not counted).  Exits 1 on a failure (with VEP_CHECK_SOFT=1 also
// on a counted one), else 0.
export async function runSuite(body, cleanup = () => {}) {
	const browser = await launch();
	let failed = false;
	try {
		await body(browser);
	} catch (e) {
		failed = true;
		console.error(`FAIL: ${e.stack || e}`);
	} finally {
		await browser.close();
		try {
			await cleanup();
		} catch (e) {
			console.error(`cleanup failed: ${e.message}`);
		}
	}
	process.exit(failed || softFailures.length > 0 ? 1 : 0);
}

// A page in a new context (viewport width x height, further context options
// in opts) whose console errors and uncaught exceptions are collected in
// problems, except console errors matching ignore; any wait ends after 15 s.
export async function openPage(browser, width, height, { ignore = null, ...opts } = {}) {
	const ctx = await browser.newContext({ viewport: { width, height }, ...opts });
	const page = await ctx.newPage();
	const problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error' && !(ignore && ignore.test(m.text())))
			problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(String(e)));
	page.setDefaultTimeout(15000);
	return { ctx, page, problems };
}

// Nothing collected by openPage (after the expected failed loads were
// cleared), or no Content-Security-Policy violation among it.
export function noProblems(problems, what = 'no console errors or CSP violations') {
	check(problems.length === 0, `${what} (${problems.join('; ')})`);
}
export function noCsp(problems) {
	const csp = problems.filter((t) => /Content Security Policy|Refused to/i.test(t));
	check(csp.length === 0, `no CSP violations (${csp.join(' | ')})`);
}

// Clicks loc and waits for the page it leads to (a form shown again with
// its 400, or a 303's target).
export async function follow(page, loc) {
	await Promise.all([page.waitForNavigation(), loc.click()]);
}

// A phone (isMobile, width x height, logged in like ctx when given) opens
// path: the document must not scroll sideways.  A screenshot into
// shots/shot when given: of the element `of`, else of the whole page.
export async function phoneFits(browser, path, what, { ctx = null, width = 390, height = 844, shot = null, of = null } = {}) {
	const phone = await browser.newContext({ viewport: { width, height }, isMobile: true,
		...(ctx ? { storageState: await ctx.storageState() } : {}) });
	const p2 = await phone.newPage();
	await p2.goto(`${BASE}${path}`);
	const over = await p2.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	if (shot && of)
		await p2.locator(of).screenshot({ path: shotPath(shot) });
	else if (shot)
		await snap(p2, shot);
	await phone.close();
	check(!over, what);
}

// ---- the API, orders and the logins ---------------------------------------
export async function api(method, path, body, headers = {}) {
	const r = await fetch(`${BASE}${path}`, {
		method, headers: { 'Content-Type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: r.status, json: await r.json().catch(() => null) };
}
export const asAdmin = () => ({ Authorization: `Bearer ${adminToken()}` });
export const asOwner = (ve, password) => ({ Authorization: 'Basic ' + Buffer.from(`${ve}:${password}`).toString('base64') });

// A VE ordered through POST /api/v1/orders with the signup's required
// fields (plan WEB1, debian-12, 1 GB, one address...), fields added or put
// over them; checks that it is created (what) and returns its VEid.
export async function orderVe(what, password, fields = {}) {
	const o = await api('POST', '/api/v1/orders', {
		plan: 'WEB1', template: 'debian-12', email: `browser.${Date.now()}@example.com`,
		disk_quota_mb: 1000, always_on: true, lifetime_days: 30, root_password: password,
		login: ['ssh'], fs_fault_tolerance_s: 60, backup_hours: 24, firewall: 'client', ip_count: 1,
		...fields,
	});
	if (o.status !== 201)
		console.log(`# the order answered ${o.status}: ${JSON.stringify(o.json)}`);
	check(o.status === 201, what);
	return o.json.ve_id;
}

// The owner's login on /self (or, with fresh false, the form already on
// the page), then the page it leads to: the dashboard, or the form again.
export async function selfLogin(page, ve, password, { fresh = true } = {}) {
	if (fresh)
		await page.goto(`${BASE}/self`);
	await page.getByLabel('VEid').fill(ve);
	await page.getByLabel('Root password').fill(password);
	await follow(page, page.getByRole('button', { name: 'Log in' }));
}

// The operator's login, likewise (the operator "admin" unless named).
export async function adminLogin(page, { name = 'admin', password = adminPassword(), fresh = true } = {}) {
	if (fresh)
		await page.goto(`${BASE}/admin/login`);
	await page.getByLabel('Name').fill(name);
	await page.getByLabel('Password').fill(password);
	await follow(page, page.getByRole('button', { name: 'Log in' }));
}

// The first match of re in a mail the dev mail catcher stored
// (var/mail/*.eml) whose text holds every string of marks; waits up to
// 30 s for it to arrive.
export async function mailLink(marks, re) {
	for (let i = 0; i < 150; i++) {
		for (const f of readdirSync(join(VAR, 'mail')).filter((n) => n.endsWith('.eml'))) {
			const t = readFileSync(join(VAR, 'mail', f), 'latin1');
			const m = marks.every((s) => t.includes(s)) && t.match(re);
			if (m)
				return m[0];
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no mail with ${marks.join(', ')}`);
}

// ---- a VE with billing history ---------------------------------------------
export const D = 86400, G = 10 ** 9, H = 3600 * 10 ** 6;

// usage_hour rows [hour, cpu_us, in, out] of one day and the day row, their exact sum.
export function putDay(ve, day, hours) {
	let q = '';
	for (const [h, cpu, i, o] of hours)
		q += `INSERT INTO usage_hour (ve_id, t, cpu_user_us, net_in_bytes, net_out_bytes, samples, last_t)
		      VALUES ('${ve}', ${day + h * 3600}, ${cpu}, ${i}, ${o}, 3600, ${day + h * 3600 + 3599});`;
	const sum = (k) => hours.reduce((a, r) => a + r[k], 0);
	q += `INSERT INTO usage_day (ve_id, t, cpu_user_us, net_in_bytes, net_out_bytes, samples, last_t)
	      VALUES ('${ve}', ${day}, ${sum(1)}, ${sum(2)}, ${sum(3)}, ${3600 * hours.length}, ${day + 86399});`;
	sql(q);
}

// Gives back a VE a suite made (as an operator's delete would, its usage,
// cap and sessions gone), so that repeated runs do not use up the demo
// address pool.  Nothing for an empty or malformed VEid.
export function release(ve) {
	if (!/^[0-9A-F]{8}$/.test(ve))
		return;
	sql(`DELETE FROM usage_hour WHERE ve_id = '${ve}'; DELETE FROM usage_day WHERE ve_id = '${ve}';
	     DELETE FROM ve_totals WHERE ve_id = '${ve}'; DELETE FROM ve_caps WHERE ve_id = '${ve}';
	     UPDATE ip_addresses SET ve_id = NULL, seq = NULL, dns_name = NULL WHERE ve_id = '${ve}';
	     UPDATE ves SET state = 'deleted', state_reason = 'browser test' WHERE id = '${ve}';
	     DELETE FROM sessions WHERE kind = 'self' AND subject = '${ve}';`);
}

// A VE ordered (fields over orderVe's), dated back to 2020-02-10 with usage
// on 2020-02-12, invoiced for 2020-02 by an invoice run and 15.00 of that
// paid (reference), and its outbound traffic throttled at its cap this
// month since 90 minutes ago.  hoursOn(k) are putDay's hours of the k-th
// day of this month (at most `most` days before today; today alone on the
// month's first day).  Returns the VE, its invoice's number, those days and
// the time it took as now and this month (period).
export async function billedVe(password, fields, { most, hoursOn, reference }) {
	const ve = await orderVe('a VE was ordered', password, fields);
	const old = Date.UTC(2020, 1, 10) / 1000;
	const created = sql(`SELECT created_at FROM ves WHERE id = '${ve}'`);
	sql(`UPDATE ves SET created_at = ${old} WHERE id = '${ve}';
	     UPDATE ve_state_log SET at = ${old} WHERE ve_id = '${ve}' AND at = ${created};`);
	putDay(ve, Date.UTC(2020, 1, 12) / 1000, [[2, 30 * H, 80 * G, 45 * G], [9, 90 * H, 20 * G, 5 * G]]);
	const now = Math.floor(Date.now() / 1000);
	const d = new Date(now * 1000);
	const mfrom = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
	const today = now - now % D;
	const days = [];
	for (let t = mfrom; t < today && days.length < most; t += D)
		days.push(t);
	if (days.length === 0)
		days.push(today);
	days.forEach((t, k) => putDay(ve, t, hoursOn(k)));
	const run = await api('POST', '/api/v1/admin/invoice-runs', { period: '2020-02' }, asAdmin());
	check(run.status === 200 || run.status === 201, `the invoice run for 2020-02 answers ${run.status}`);
	const invs = await api('GET', `/api/v1/ves/${ve}/invoices`, undefined, asOwner(ve, password));
	check(invs.json.invoices.length === 1, 'the VE has its invoice for 2020-02');
	const number = invs.json.invoices[0].number;
	const pay = await api('POST', '/api/v1/admin/payments', {
		invoice: number, amount_minor: 1500, date: d.toISOString().slice(0, 10), reference,
	}, asAdmin());
	check(pay.status === 201, 'a part of it was paid');
	const period = d.toISOString().slice(0, 7);
	sql(`INSERT INTO ve_caps (ve_id, period, resource, reached_at, used_bytes, cap_bytes, action, throttle_kbps)
	     VALUES ('${ve}', '${period}', 'traffic_out', ${now - 5400}, 300000004096, 300000000000, 'throttle', 1000)`);
	return { ve, number, days, now, period };
}
