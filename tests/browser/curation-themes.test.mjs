// Themes, entity pages, the map and the timeline in a real browser, against
// the server tests/browser/run.sh starts (the National Palace Museum
// records): the test loads the demo's Silk Road theme (data/themes/) with
// `vcm themes load` into the same database, then
// - axe-core audits /themes, /themes/silk-road, /map, /timeline and a
//   material's page, and some of them in Urdu and Korean, at 390 and
//   1280 px: no finding "serious" or "critical";
// - each gets a full-page screenshot, curation-NAME-WIDTH.png in
//   VCM_BROWSER_OUT, to be looked at;
// - with JavaScript off, each shows its heading and main content, and the
//   map's figures are in its list as well as in the drawing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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

const PAGES = [
  { name: 'themes', path: '/themes' },
  { name: 'silk-road', path: '/themes/silk-road' },
  { name: 'map', path: '/map' },
  { name: 'timeline', path: '/timeline' },
  { name: 'material', path: '/materials/jade' },
  // in a right-to-left language and in one of East Asia: same audit
  { name: 'ur-silk-road', path: '/ur/themes/silk-road' },
  { name: 'ur-map', path: '/ur/map' },
  { name: 'ko-timeline', path: '/ko/timeline' },
];

let browser;

before(async () => {
  assert.ok(BASE && OUT, 'VCM_BROWSER_BASE and VCM_BROWSER_OUT are unset: run sh tests/browser/run.sh');
  const out = execFileSync(process.env.VCM_BROWSER_VCM, ['themes', 'load', '--db',
    process.env.VCM_BROWSER_DB, 'data/themes/silk-road.json'], { encoding: 'utf8' });
  assert.match(out, /theme silk-road: \d+ objects/);
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
  test(`curation pages: axe finds nothing serious at ${width} px`, TEST, async (t) => {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const failures = [];
    try {
      for (const p of PAGES) {
        const page = await context.newPage();
        const res = await page.goto(`${BASE}${p.path}`, { waitUntil: 'load', timeout: WAIT });
        assert.equal(res.status(), 200, `GET ${p.path}`);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS);
        const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
        for (const v of result.violations.filter((x) => !BLOCKING.has(x.impact))) {
          t.diagnostic(`${p.name} ${width}px, ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length})`);
        }
        if (bad.length) failures.push(`${p.name} (${p.path}) at ${width} px:\n${bad.map(describe).join('\n')}`);
        const shot = join(OUT, `curation-${p.name}-${width}.png`);
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

test('curation pages work without JavaScript', TEST, async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    for (const p of PAGES) {
      await page.goto(`${BASE}${p.path}`, { timeout: WAIT });
      assert.ok((await page.textContent('main h1'))?.trim(), `${p.path}: a heading`);
    }
    await page.goto(`${BASE}/themes/silk-road`, { timeout: WAIT });
    assert.ok(await page.locator('.theme-rule dd').count() >= 3, 'the theme states its rule');
    // the map: a drawing with a title, and the same figures as a list
    await page.goto(`${BASE}/map`, { timeout: WAIT });
    assert.equal(await page.locator('svg[role="img"] title#map-title').count(), 1);
    const rows = await page.locator('.map-lists tbody tr').count();
    assert.ok(rows > 0, 'origins listed beside the map');
    // an Urdu page reads right to left and keeps its links in /ur/
    await page.goto(`${BASE}/ur/themes/silk-road`, { timeout: WAIT });
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    const links = await page.locator('main a[href^="/"]').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length > 0);
    // (machine URLs, such as the theme as JSON under /api/, take no prefix)
    for (const href of links.filter((h) => !h.startsWith('/api/'))) {
      assert.ok(href.startsWith('/ur/'), `${href} keeps /ur/`);
    }
  } finally {
    await context.close();
  }
});
