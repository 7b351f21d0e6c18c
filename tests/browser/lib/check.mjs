// Shared checks of the browser tests: axe-core on a page (zero violations
// wanted), the phone-width pass (no sideways scroll, every amount on
// screen), and a small crawler that finds every page of a screen family
// from its links.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

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
