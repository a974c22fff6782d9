// Right to left, in Debian's Chromium through playwright-core, against a
// site of this test's own (site.mjs). A page in a right-to-left language
// must be the mirror of its left-to-right layout: compared by the boxes of
// elements, not by pixels, at 390 and 1280 px.
//
// When VCM_A11Y_LANGS names ur (the default), the Urdu pages (/ur/…) are
// looked at; the layout must then flow from the right: the site's name at
// the right edge, the navigation running leftwards, "next" left of
// "previous", the first card of a row at the right. In every run the
// English page is also turned round by setting dir="rtl" on its <html>,
// and then each element's box must be exactly the mirror of its box in
// the left-to-right page (same text, so same widths). Arrows that mean
// "before" and "after" turn round; the deep-zoom viewer and page numbers
// stay left to right. Screenshots: rtl-LANG-NAME-WIDTH.png in
// VCM_BROWSER_OUT.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WAIT, launchChromium } from './browser.mjs';
import { languages, startSite } from './site.mjs';

const OUT = process.env.VCM_BROWSER_OUT;
const TEST = { timeout: 300_000 };
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
// What is compared, per page: CSS selectors, each element found counted.
const PARTS = [
  '.brand', 'header nav li', '.find', '.find button', 'main h1', '.result-count', '.chip',
  '.pager a[rel=next]', '.pager a[rel=prev]', '.grid > li:nth-child(-n+3)', '.browse > *',
  '.facet h2', '#q-notes li', '.work > *', '.facts > div > *', 'footer.site p',
];

let browser;
let site;
let pages;

before(async () => {
  assert.ok(OUT, 'VCM_BROWSER_OUT is unset: run sh tests/browser/run.sh');
  site = await startSite();
  const res = await fetch(`${site.base}/api/v1/objects?source_id=${encodeURIComponent('古玉3888')}`);
  const withImage = (await res.json()).items?.[0]?.id;
  assert.ok(withImage, 'no object with source_id 古玉3888');
  pages = [
    { name: 'home', path: '/' },
    // the second page: both "previous" and "next"
    { name: 'browse', path: '/browse?view=catalogue&page=2' },
    { name: 'search-notes', path: '/search?q=date%3Aabc+jade' },
    { name: 'object', path: `/objects/${withImage}` },
  ];
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

async function boxes(page) {
  return page.evaluate((parts) => {
    const out = {};
    for (const sel of parts) {
      [...document.querySelectorAll(sel)].forEach((el, i) => {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) out[`${sel} #${i}`] = { left: r.left, right: r.right, top: r.top + scrollY, width: r.width };
      });
    }
    return { out, w: document.documentElement.clientWidth };
  }, PARTS);
}

async function flips(page) {
  return page.evaluate(() => ({
    arrows: [...document.querySelectorAll('.fwd, .back')].map((el) => getComputedStyle(el).transform),
    viewer: document.getElementById('viewer') && getComputedStyle(document.getElementById('viewer')).direction,
    nums: [...document.querySelectorAll('.num')].map((el) => getComputedStyle(el).direction),
  }));
}

function checkFlips(f, name, failures) {
  for (const t of f.arrows) {
    if (!/^matrix\(-1, 0, 0, 1, 0, 0\)$/.test(t)) failures.push(`${name}: an arrow is not turned round (${t})`);
  }
  if (f.viewer && f.viewer !== 'ltr') failures.push(`${name}: the viewer runs ${f.viewer}`);
  for (const d of f.nums) if (d !== 'ltr') failures.push(`${name}: a number run is ${d}`);
}

for (const { width, height } of WIDTHS) {
  test(`dir=rtl mirrors every page's layout at ${width} px`, TEST, async (t) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const failures = [];
    try {
      for (const p of pages) {
        const page = await context.newPage();
        await page.goto(`${site.base}${p.path}`, { waitUntil: 'load', timeout: WAIT });
        const ltr = await boxes(page);
        await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
        const rtl = await boxes(page);
        let n = 0;
        for (const [key, a] of Object.entries(ltr.out)) {
          const b = rtl.out[key];
          if (!b) { failures.push(`${p.name}: ${key} is gone in rtl`); continue; }
          n++;
          const want = ltr.w - a.right;
          if (Math.abs(b.left - want) > 2 || Math.abs(b.width - a.width) > 2) {
            failures.push(`${p.name}: ${key} at ${Math.round(b.left)}–${Math.round(b.right)}, ` +
              `its mirror is ${Math.round(want)}–${Math.round(want + a.width)}`);
          }
        }
        assert.ok(n >= 5, `${p.name}: only ${n} elements compared`);
        const f = await flips(page);
        checkFlips(f, p.name, failures);
        if (p.name === 'browse') assert.ok(f.arrows.length >= 2, 'browse page 2 has its two arrows');
        if (p.name === 'object') assert.ok(f.viewer, 'the object page has its viewer');
        const shot = join(OUT, `rtl-forced-${p.name}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        t.diagnostic(`screenshot: ${shot}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(failures, [], 'boxes that are not mirrored');
  });
}

const RTL = languages().filter((l) => l.dir === 'rtl');
for (const lang of RTL) {
  for (const { width, height } of WIDTHS) {
    test(`[${lang.code}] the layout flows from the right at ${width} px`, TEST, async (t) => {
      const context = await browser.newContext({ viewport: { width, height } });
      const failures = [];
      try {
        for (const p of pages) {
          const page = await context.newPage();
          const res = await page.goto(`${site.base}${lang.prefix}${p.path}`, { waitUntil: 'load', timeout: WAIT });
          assert.equal(res.status(), 200, `GET ${lang.prefix}${p.path}`);
          assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl', `${lang.prefix}${p.path}: <html dir>`);
          const { out, w } = await boxes(page);
          const at = (sel) => Object.entries(out).filter(([k]) => k.startsWith(`${sel} #`)).map(([, v]) => v);
          const [brand] = at('.brand');
          if (!brand || brand.right < w - 40) failures.push(`${p.name}: the site's name is not at the right edge`);
          const items = at('header nav li');
          for (let i = 1; i < items.length; i++) {
            const [a, b] = [items[i - 1], items[i]];
            if (Math.abs(a.top - b.top) < 4 && !(b.right <= a.left + 1)) {
              failures.push(`${p.name}: navigation item ${i + 1} is not left of item ${i}`);
            }
          }
          const [next] = at('.pager a[rel=next]');
          const [prev] = at('.pager a[rel=prev]');
          if (next && prev && !(next.right <= prev.left)) failures.push(`${p.name}: "next" is not left of "previous"`);
          const cards = at('.grid > li:nth-child(-n+3)');
          if (cards.length >= 2 && Math.abs(cards[0].top - cards[1].top) < 4 && !(cards[1].right <= cards[0].left)) {
            failures.push(`${p.name}: the second card is not left of the first`);
          }
          checkFlips(await flips(page), p.name, failures);
          const shot = join(OUT, `rtl-${lang.code}-${p.name}-${width}.png`);
          await page.screenshot({ path: shot, fullPage: true });
          t.diagnostic(`screenshot: ${shot}`);
          await page.close();
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(failures, [], 'a layout that does not flow from the right');
    });
  }
}
