// The search page in a real browser (Debian's Chromium through
// playwright-core) against the server tests/browser/run.sh starts (the
// National Palace Museum records): results and facets without JavaScript,
// and suggestions in the search box with it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WAIT, launchChromium } from './browser.mjs';

const BASE = process.env.VCM_BROWSER_BASE;
const TEST = { timeout: 90_000 };

let browser;

before(async () => {
  assert.ok(BASE, 'VCM_BROWSER_BASE is unset: run sh tests/browser/run.sh');
  // the server builds its index after it starts: 503 until then
  for (let i = 0; ; i++) {
    const res = await fetch(`${BASE}/api/v1/search?q=a&facets=none`);
    if (res.status === 200) break;
    assert.equal(res.status, 503, 'search answers 200 or, while starting, 503');
    assert.ok(i < 600, 'search not ready within 60 s');
    await new Promise((r) => res.body?.cancel().then(r, r));
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('results, marks and facets without JavaScript', TEST, async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const res = await page.goto(`${BASE}/search?q=${encodeURIComponent('玉')}`, { timeout: WAIT });
  assert.equal(res.status(), 200);
  const hits = await page.locator('ol.hits > li.hit').count();
  assert.ok(hits >= 3, `3 or more hits for 玉, saw ${hits}`);
  assert.ok(await page.locator('ol.hits mark').count() >= 1, 'matches are marked');
  // a facet link narrows the search and keeps the query
  const facet = page.locator('section.facet a').first();
  const href = await facet.getAttribute('href');
  assert.match(href, /^\/search\?q=%E7%8E%89&/);
  await facet.click();
  assert.ok(await page.locator('a.chip').count() >= 1, 'the chosen facet shows as a chip');
  // the form submits without a script
  await page.fill('#q', 'celadon');
  await page.click('form.search-page button[type=submit]');
  await page.waitForURL(/\/search\?q=celadon/, { timeout: WAIT });
  await context.close();
});

test('the search box suggests titles and thesaurus terms', TEST, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/`, { timeout: WAIT });
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/suggest') && r.status() === 200,
    { timeout: WAIT });
  await page.locator('#site-q').pressSequentially('청', { delay: 20 });
  await answered;
  await page.waitForFunction(() => document.querySelectorAll('#q-suggest option').length > 0,
    null, { timeout: WAIT });
  const values = await page.$$eval('#q-suggest option', (os) => os.map((o) => o.value));
  assert.ok(values.includes('청자'), `청자 among ${values.join(', ')}`);
  await page.locator('#site-q').fill('celadon');
  await page.locator('#site-q').press('Enter');
  await page.waitForURL(/\/search\?q=celadon/, { timeout: WAIT });
  assert.ok(await page.locator('.expansions').count() === 1, 'the expansions are listed');
  await context.close();
});
