// Accessibility of every kind of page, in a real browser (Debian's Chromium
// through playwright-core) against the server tests/browser/run.sh starts
// (the National Palace Museum records, the image 'jade-a' on 古玉3888):
// - axe-core (node_modules/axe-core, put into the page as a script) audits
//   each page at phone width (390×844) and desktop width (1280×800) against
//   the WCAG 2.x A and AA rules; a finding of impact "serious" or "critical"
//   fails the test and is printed with its rule, help text and elements;
// - a full-page screenshot of each page at each width goes to
//   VCM_BROWSER_OUT (a11y-NAME-WIDTH.png), to be looked at;
// - each page loaded with JavaScript off answers with the expected status
//   and shows its main content: a heading and a non-empty main landmark.

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
let pages; // [{ name, path, status }]

// The href of the first link on `path` whose target starts with `prefix`:
// the test finds a museum, a country and an object without an image the way
// a visitor would, instead of knowing their ids.
async function firstLink(path, prefix) {
  const res = await fetch(`${BASE}${path}`);
  assert.equal(res.status, 200, `GET ${path}`);
  const html = await res.text();
  const esc = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = html.match(new RegExp(`href="(${esc}[^"?#]+)"`));
  assert.ok(m, `no link to ${prefix}… on ${path}`);
  return m[1];
}

before(async () => {
  assert.ok(BASE && OUT, 'VCM_BROWSER_BASE and VCM_BROWSER_OUT are unset: run sh tests/browser/run.sh');
  // the search index is built after the server starts: 503 until then
  for (let i = 0; ; i++) {
    const res = await fetch(`${BASE}/api/v1/search?q=a&facets=none`);
    if (res.status === 200) break;
    assert.equal(res.status, 503, 'search answers 200 or, while starting, 503');
    assert.ok(i < 600, 'search not ready within 60 s');
    await new Promise((r) => res.body?.cancel().then(r, r));
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await fetch(`${BASE}/api/v1/objects?source_id=${encodeURIComponent('古玉3888')}`);
  assert.equal(res.status, 200, 'the object list by source_id');
  const withImage = (await res.json()).items?.[0]?.id;
  assert.ok(withImage, 'no object with source_id 古玉3888');
  pages = [
    { name: 'home', path: '/', status: 200 },
    { name: 'browse', path: '/browse', status: 200 },
    { name: 'browse-filtered', path: '/browse?image=yes', status: 200 },
    // a material from the thesaurus: its facet entry and its chip
    { name: 'browse-material', path: '/browse?material=jade', status: 200 },
    { name: 'search', path: `/search?q=${encodeURIComponent('玉')}`, status: 200 },
    { name: 'search-none', path: '/search?q=zzqxjvwk', status: 200 },
    { name: 'object-image', path: `/objects/${withImage}`, status: 200 },
    { name: 'object-no-image', path: await firstLink('/browse?image=no', '/objects/'), status: 200 },
    { name: 'museums', path: '/museums', status: 200 },
    { name: 'museum', path: await firstLink('/museums', '/museums/'), status: 200 },
    { name: 'countries', path: '/countries', status: 200 },
    { name: 'country', path: await firstLink('/countries', '/countries/'), status: 200 },
    { name: 'not-found', path: '/no/such/page', status: 404 },
    { name: 'login', path: '/login', status: 200 },
    { name: 'reset', path: '/reset', status: 200 },
  ];
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

// One line per element of a finding: its CSS selector and what axe says.
function describe(v) {
  const nodes = v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join('; ') ?? ''}`);
  return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
}

for (const { width, height } of WIDTHS) {
  test(`axe finds nothing serious at ${width} px`, TEST, async (t) => {
    // The pages' Content-Security-Policy (script-src 'self') refuses inline
    // scripts, axe's among them; bypassCSP lets only this test's script in.
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const failures = [];
    try {
      for (const p of pages) {
        const page = await context.newPage();
        const res = await page.goto(`${BASE}${p.path}`, { waitUntil: 'load', timeout: WAIT });
        assert.equal(res.status(), p.status, `GET ${p.path}`);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS);
        const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
        for (const v of result.violations.filter((x) => !BLOCKING.has(x.impact))) {
          t.diagnostic(`${p.name} ${width}px, ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length})`);
        }
        if (bad.length) failures.push(`${p.name} (${p.path}) at ${width} px:\n${bad.map(describe).join('\n')}`);
        const shot = join(OUT, `a11y-${p.name}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        t.diagnostic(`screenshot: ${shot}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
  });
}

// Beside the image the heading gets the narrow column; titles in two
// languages split it in two no more, or each line holds a word or two.
test('the titles of an object keep a readable width at 1280 px', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const p = pages.find((x) => x.name === 'object-image');
    await page.goto(`${BASE}${p.path}`, { timeout: WAIT });
    const widths = await page.$$eval('h1 .t', (ts) => ts.map((t) => t.getBoundingClientRect().width));
    assert.ok(widths.length >= 2, `the object on ${p.path} has titles in two languages`);
    for (const w of widths) assert.ok(w >= 320, `a title line is ${Math.round(w)} px wide, under 320`);
  } finally {
    await context.close();
  }
});

test('every page shows its content without JavaScript', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  try {
    for (const p of pages) {
      const page = await context.newPage();
      const res = await page.goto(`${BASE}${p.path}`, { timeout: WAIT });
      assert.equal(res.status(), p.status, `GET ${p.path}`);
      assert.equal(await page.locator('h1').count(), 1, `${p.path}: one h1`);
      const h1 = (await page.locator('h1').innerText()).trim();
      assert.ok(h1.length > 0, `${p.path}: the h1 has text`);
      assert.equal(await page.locator('main').count(), 1, `${p.path}: one main landmark`);
      const main = (await page.locator('main').innerText()).trim();
      assert.ok(main.length > h1.length, `${p.path}: main shows more than its heading`);
      await page.close();
    }
  } finally {
    await context.close();
  }
});
