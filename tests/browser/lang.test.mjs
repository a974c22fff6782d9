// Choosing the language, in a real browser against the server run.sh starts:
// - the home page in Korean (/ko/) and Urdu (/ur/) at phone width (390×844)
//   and desktop width (1280×800) with the language switcher opened: axe-core
//   finds nothing serious or critical (WCAG 2.x A and AA), and a screenshot
//   of each goes to VCM_BROWSER_OUT (lang-home-CODE-WIDTH.png) to be looked at;
// - with JavaScript off, the switcher opens and its links lead to the same
//   page in the language chosen: <html lang dir> follow, and the choice is
//   kept by the cookie for the pages without a prefix.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { WAIT, launchChromium } from './browser.mjs';

const BASE = process.env.VCM_BROWSER_BASE;
const OUT = process.env.VCM_BROWSER_OUT;
const TEST = { timeout: 180_000 };
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;

before(async () => {
  assert.ok(BASE && OUT, 'VCM_BROWSER_BASE and VCM_BROWSER_OUT are unset: run sh tests/browser/run.sh');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

function describe(v) {
  const nodes = v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join('; ') ?? ''}`);
  return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
}

for (const { width, height } of WIDTHS) {
  test(`the switcher, open, has no serious axe finding at ${width} px`, TEST, async (t) => {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const failures = [];
    try {
      for (const [code, dir] of [['ko', 'ltr'], ['ur', 'rtl']]) {
        const page = await context.newPage();
        const res = await page.goto(`${BASE}/${code}/`, { waitUntil: 'load', timeout: WAIT });
        assert.equal(res.status(), 200, `GET /${code}/`);
        assert.equal(await page.getAttribute('html', 'lang'), code);
        assert.equal(await page.getAttribute('html', 'dir'), dir);
        await page.click('.lang-switch summary');
        assert.equal(await page.locator('.lang-switch[open]').count(), 1, 'the switcher opens');
        assert.ok(await page.locator('.lang-switch nav a[hreflang="th"]').isVisible(), 'its links show');
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS);
        const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
        for (const v of result.violations.filter((x) => !BLOCKING.has(x.impact))) {
          t.diagnostic(`/${code}/ ${width}px, ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length})`);
        }
        if (bad.length) failures.push(`/${code}/ at ${width} px:\n${bad.map(describe).join('\n')}`);
        const shot = join(OUT, `lang-home-${code}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: false });
        t.diagnostic(`screenshot: ${shot}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
  });
}

test('the switcher works without JavaScript and the choice is kept', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/museums`, { timeout: WAIT });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.click('.lang-switch summary');
    await page.click('.lang-switch a[hreflang="ur"]');
    assert.equal(new URL(page.url()).pathname, '/ur/museums');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    // the links of a prefixed page keep its prefix
    const nav = await page.$$eval('header.site > nav a', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(nav.length > 0 && nav.every((h) => h.startsWith('/ur/')), `header links: ${nav}`);
    // the cookie keeps the choice on a page without prefix
    await page.goto(`${BASE}/countries`, { timeout: WAIT });
    assert.equal(await page.getAttribute('html', 'lang'), 'ur');
    // and English is chosen back the same way
    await page.click('.lang-switch summary');
    await page.click('.lang-switch a[hreflang="en"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.goto(`${BASE}/museums`, { timeout: WAIT });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  } finally {
    await context.close();
  }
});
