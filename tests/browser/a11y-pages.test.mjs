// WCAG 2.2 AA on the pages visitors and museum staff use, in every language
// of VCM_A11Y_LANGS (English and Urdu unless set; see
// site.mjs), in Debian's Chromium through playwright-core, against a site
// of this test's own (site.mjs: masterpieces published, so the home page
// has its Masterpiece of the Day; a contributor and an editor signed in):
// - axe-core: no finding of impact serious or critical on home, browse
//   (with filter chips), search with results and with none, an object with
//   and without images, a museum, a country, sign-in (and its error), the
//   dashboard, the entry editor and the review queue, at 390 and 1280 px
//   (in English, a11y.test.mjs audits the public pages it shares);
//   each page photographed in the first language, the home, browse, object
//   and editor pages in the others (a11y-pages-LANG-NAME-WIDTH.png in
//   VCM_BROWSER_OUT);
// - targets (2.5.8): every link, button and field of the browse, search
//   and object pages at 390 px is at least 24 × 24 px, or the 24 px circle
//   around it touches no other target nor another small target's circle;
// - focus (2.4.7, 2.4.11): every element Tab reaches shows an outline of at
//   least 2 px with 3:1 contrast against the page;
// - 400 % zoom (1.4.10): at 320 CSS px wide no page scrolls sideways;
// - forced colours: with forced-colors active, buttons, chips, fields and
//   the box of a missing image keep a border that differs from their
//   background;
// - names (2.5.3, 4.1.2): a filter chip's spoken name begins with the words
//   it shows; every link of the home page has a name, the Masterpiece of
//   the Day's picture among them;
// - forms (3.3.1, 1.3.1): an error names its field: the field is
//   aria-invalid and aria-describedby points at the error's text (sign-in,
//   entry editor, the search's notes).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { WAIT, launchChromium } from './browser.mjs';
import { CONTRIBUTOR, EDITOR, acceptInvitation, firstLink, languages, signedIn, startSite } from './site.mjs';

const OUT = process.env.VCM_BROWSER_OUT;
const TEST = { timeout: 600_000 };
// Checks of the style sheet and the markup whose outcome does not change with
// the words (focus rings, forced colours, errors tied to fields) run in
// English and in a right-to-left language; axe, targets, zoom and names run in
// every language of the list. This keeps the suite within the test budget.
const STYLE_ONLY = (code) => ({ ...TEST, skip: code !== 'en' && code !== 'ur' && 'checked in en and ur: it does not depend on the words' });
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANGS = languages();
const AUDITED_IN_ENGLISH = new Set(['browse', 'search', 'search-none', 'object-image', 'object-no-image',
  'museum', 'country', 'login']);
const SHOTS = new Set(['home', 'browse', 'object-image', 'editor']);
const TARGETS = 'a[href], button, input:not([type=hidden]), select, textarea, summary';

let browser;
let site;
let pages; // [{ name, path, who }]: who is 'anon', 'contributor' or 'editor'
const contexts = {}; // who → { width → context }

before(async () => {
  assert.ok(OUT, 'VCM_BROWSER_OUT is unset: run sh tests/browser/run.sh');
  site = await startSite();
  const res = await fetch(`${site.base}/api/v1/objects?source_id=${encodeURIComponent('古玉3888')}`);
  const withImage = (await res.json()).items?.[0]?.id;
  assert.ok(withImage, 'no object with source_id 古玉3888');
  pages = [
    { name: 'home', path: '/', who: 'anon' },
    { name: 'browse', path: '/browse', who: 'anon' },
    { name: 'browse-chips', path: '/browse?view=catalogue&material=jade&image=yes', who: 'anon' },
    { name: 'search', path: `/search?q=${encodeURIComponent('玉')}`, who: 'anon' },
    { name: 'search-none', path: '/search?q=zzqxjvwk', who: 'anon' },
    { name: 'search-notes', path: '/search?q=date%3Aabc', who: 'anon' },
    { name: 'object-image', path: `/objects/${withImage}`, who: 'anon' },
    { name: 'object-no-image', path: await firstLink(site.base, '/browse?view=catalogue&image=no', '/objects/'), who: 'anon' },
    { name: 'museum', path: await firstLink(site.base, '/museums', '/museums/'), who: 'anon' },
    { name: 'country', path: await firstLink(site.base, '/countries', '/countries/'), who: 'anon' },
    { name: 'login', path: '/login', who: 'anon' },
    { name: 'dashboard', path: '/dashboard', who: 'contributor' },
    { name: 'editor', path: `/dashboard/entries/${site.entry}`, who: 'contributor' },
    { name: 'review', path: '/review', who: 'editor' },
  ];
  browser = await launchChromium();
  await acceptInvitation(browser, site, CONTRIBUTOR);
  await acceptInvitation(browser, site, EDITOR);
  for (const { width, height } of WIDTHS) {
    // The pages' Content-Security-Policy (script-src 'self') refuses inline
    // scripts, axe's among them; bypassCSP lets only this test's script in.
    const options = { viewport: { width, height }, bypassCSP: true };
    (contexts.anon ??= {})[width] = await browser.newContext(options);
    (contexts.contributor ??= {})[width] = await signedIn(browser, site, CONTRIBUTOR, options);
    (contexts.editor ??= {})[width] = await signedIn(browser, site, EDITOR, options);
  }
});

after(async () => {
  for (const byWidth of Object.values(contexts)) for (const c of Object.values(byWidth)) await c.close();
  await browser?.close();
  await site?.stop();
});

async function open(p, lang, width, options = {}) {
  const page = await contexts[p.who][width].newPage();
  const res = await page.goto(`${site.base}${lang.prefix}${p.path}`, { waitUntil: 'load', timeout: WAIT });
  assert.equal(res.status(), 200, `GET ${lang.prefix}${p.path}`);
  if (options.rtl && lang.dir !== 'rtl') await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
  return page;
}

async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: AXE });
}

function describe(v) {
  const nodes = v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join('; ') ?? ''}`);
  return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
}

async function audit(page) {
  await axe(page);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS);
  return result.violations;
}

// The sign-in form after a wrong password: the page with its error.
async function loginError(lang, width) {
  const page = await contexts.anon[width].newPage();
  await page.goto(`${site.base}${lang.prefix}/login`, { timeout: WAIT });
  await page.locator('#login-email').fill('nobody@example.org');
  await page.locator('#login-password').fill('not-the-password-at-all');
  await Promise.all([page.waitForLoadState('load'), page.locator('main form button[type=submit]').click()]);
  await page.locator('.form-error').waitFor({ timeout: WAIT });
  return page;
}

for (const lang of LANGS) {
  for (const { width } of WIDTHS) {
    // both widths in English; the phone's, where the layout is tightest, in
    // the others (the test budget)
    const both = lang.code === 'en' || width === WIDTHS[0].width;
    test(`[${lang.code}] axe finds nothing serious at ${width} px`,
      both ? TEST : { ...TEST, skip: 'both widths in en, the phone\'s in the others' }, async (t) => {
      const failures = [];
      const look = async (name, page) => {
        const violations = await audit(page);
        for (const v of violations.filter((x) => !BLOCKING.has(x.impact))) {
          t.diagnostic(`${name} ${width}px, ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length})`);
        }
        const bad = violations.filter((v) => BLOCKING.has(v.impact));
        if (bad.length) failures.push(`${name} (${page.url()}) at ${width} px:\n${bad.map(describe).join('\n')}`);
        // every page audited in the first language; the main ones in the others
        if (lang === LANGS[0] || SHOTS.has(name)) {
          await page.screenshot({ path: join(OUT, `a11y-pages-${lang.code}-${name}-${width}.png`), fullPage: true });
        }
        await page.close();
      };
      for (const p of pages) {
        // a11y.test.mjs audits these in English already, at the same widths
        if (lang.code === 'en' && AUDITED_IN_ENGLISH.has(p.name)) continue;
        await look(p.name, await open(p, lang, width));
      }
      await look('login-error', await loginError(lang, width));
      assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
    });
  }

  // WCAG 2.5.8: the target's box, or the spacing exception: a circle of
  // 24 px diameter on the centre of each small target's box intersects no
  // other target's box and no other small target's circle.
  test(`[${lang.code}] every target is at least 24 × 24 px at 390 px, or spaced`, TEST, async (t) => {
    const failures = [];
    for (const name of ['home', 'browse', 'browse-chips', 'search', 'object-image', 'object-no-image', 'login']) {
      const page = await open(pages.find((p) => p.name === name), lang, 390);
      const found = await page.evaluate((sel) => {
        const boxes = [];
        for (const el of document.querySelectorAll(sel)) {
          // not rendered (in a closed <details>, such as the language
          // switcher's list, a box may still be computed): nothing to hit
          if (el.checkVisibility && !el.checkVisibility({ checkVisibilityCSS: true })) continue;
          // a link laid out as its children (display: contents) is hit on them
          const rects = getComputedStyle(el).display === 'contents'
            ? [...el.children].map((c) => c.getBoundingClientRect())
            : [el.getBoundingClientRect()];
          const r = rects.reduce((a, b) => ({
            left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
            right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom),
          }), { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity });
          const s = getComputedStyle(el);
          // not shown: nothing to hit (the skip link waits off screen until focused)
          if (!(r.right > r.left && r.bottom > r.top) || s.visibility === 'hidden' || r.right <= 0 ||
            r.left >= document.documentElement.clientWidth) continue;
          const what = `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} "${(el.textContent || el.name || '').trim().slice(0, 30)}"`;
          boxes.push({ ...r, what });
        }
        return boxes;
      }, TARGETS);
      const small = found.filter((b) => b.right - b.left < 23.5 || b.bottom - b.top < 23.5);
      const centre = (b) => ({ x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2 });
      const circleHitsBox = (c, b) => {
        const dx = Math.max(b.left - c.x, 0, c.x - b.right);
        const dy = Math.max(b.top - c.y, 0, c.y - b.bottom);
        return dx * dx + dy * dy < 12 * 12;
      };
      for (const s of small) {
        const c = centre(s);
        const clash = found.find((o) => o !== s && circleHitsBox(c, o)) ||
          small.find((o) => o !== s && Math.hypot(centre(o).x - c.x, centre(o).y - c.y) < 24);
        if (clash) {
          failures.push(`${name}: ${s.what} is ${Math.round(s.right - s.left)}×${Math.round(s.bottom - s.top)} px, ` +
            `its 24 px circle meets ${clash.what}`);
        }
      }
      t.diagnostic(`${name}: ${found.length} targets, ${small.length} under 24 px in a direction`);
      await page.close();
    }
    assert.deepEqual(failures, [], 'targets under 24 × 24 px without the spacing exception');
  });

  // WCAG 2.4.7 and 2.4.11 (focus visible, not hidden): Tab through the
  // page; each element that takes the focus shows a solid outline of at
  // least 2 px whose colour has 3:1 against the paper.
  test(`[${lang.code}] the focus is visible on every element Tab reaches`, STYLE_ONLY(lang.code), async () => {
    const failures = [];
    for (const name of ['home', 'browse-chips', 'object-image', 'login', 'editor']) {
      const page = await open(pages.find((p) => p.name === name), lang, 1280);
      const seen = new Set();
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const lum = (rgb) => {
            const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
              const c = v / 255;
              return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const paper = lum(getComputedStyle(document.body).backgroundColor);
          const ring = lum(s.outlineColor);
          const contrast = (Math.max(paper, ring) + 0.05) / (Math.min(paper, ring) + 0.05);
          const r = el.getBoundingClientRect();
          return {
            key: `${el.tagName}#${el.id}.${el.className}@${Math.round(r.left)},${Math.round(r.top + scrollY)}`,
            what: `${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`,
            style: s.outlineStyle, width: parseFloat(s.outlineWidth), contrast,
            inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
          };
        });
        if (!f || seen.has(f.key)) break; // round the page once
        seen.add(f.key);
        if (f.style === 'none' || f.style === 'auto' || f.width < 2 || f.contrast < 3 || !f.inView) {
          failures.push(`${name}: ${f.what}: outline ${f.style} ${f.width}px, contrast ${f.contrast.toFixed(2)}` +
            `${f.inView ? '' : ', out of view'}`);
        }
      }
      assert.ok(seen.size >= 3, `${name}: Tab reached ${seen.size} elements`);
      await page.close();
    }
    assert.deepEqual(failures, [], 'elements whose focus is not seen');
  });

  // WCAG 1.4.10: 1280 px at 400 % is 320 CSS px; nothing may need a
  // horizontal scroll bar (the deep-zoom viewer and wide tables scroll
  // inside themselves, not the page).
  test(`[${lang.code}] at 320 px (400 % zoom) no page scrolls sideways`, TEST, async () => {
    const failures = [];
    const ctxs = {
      anon: await browser.newContext({ viewport: { width: 320, height: 256 } }),
      contributor: null,
      editor: null,
    };
    try {
      for (const p of pages) {
        const ctx = p.who === 'anon' ? ctxs.anon
          : (ctxs[p.who] ??= await signedIn(browser, site, p.who === 'editor' ? EDITOR : CONTRIBUTOR,
            { viewport: { width: 320, height: 256 } }));
        const page = await ctx.newPage();
        await page.goto(`${site.base}${lang.prefix}${p.path}`, { waitUntil: 'load', timeout: WAIT });
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (over > 0) {
          const wide = await page.evaluate(() => [...document.querySelectorAll('main *, header *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).join(', '));
          failures.push(`${p.name}: ${over} px wider than 320 (${wide})`);
        }
        await page.close();
      }
    } finally {
      for (const c of Object.values(ctxs)) await c?.close();
    }
    assert.deepEqual(failures, [], 'pages wider than 320 px');
  });

  // With forced colours the system's colours replace the page's: a button
  // or chip drawn by its background alone would vanish into the page.
  test(`[${lang.code}] with forced colours buttons, chips and fields keep a visible border`, STYLE_ONLY(lang.code), async () => {
    const failures = [];
    for (const name of ['browse-chips', 'search', 'login', 'editor', 'object-no-image']) {
      const p = pages.find((x) => x.name === name);
      const page = await contexts[p.who][1280].newPage();
      await page.emulateMedia({ forcedColors: 'active' });
      await page.goto(`${site.base}${lang.prefix}${p.path}`, { waitUntil: 'load', timeout: WAIT });
      const bad = await page.evaluate(() => {
        const out = [];
        const els = document.querySelectorAll('main button, header button, a.chip, main input[type=search], ' +
          'main input[type=text], main input[type=email], main input[type=password], main select, main textarea, ' +
          // the box that says an object has no image is drawn by its background
          '.ph.big');
        for (const el of els) {
          if (!el.getClientRects().length) continue;
          const s = getComputedStyle(el);
          const sides = ['Top', 'Right', 'Bottom', 'Left'];
          const drawn = sides.every((d) => s[`border${d}Style`] !== 'none' && parseFloat(s[`border${d}Width`]) >= 1 &&
            s[`border${d}Color`] !== s.backgroundColor);
          if (!drawn) out.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name).trim().slice(0, 30)}"`);
        }
        return { out, n: els.length };
      });
      assert.ok(bad.n >= 1, `${name}: no button, chip or field found`);
      if (name === 'object-no-image') {
        assert.ok(await page.locator('.ph.big').count() === 1, 'the object without image shows its placeholder');
      }
      for (const b of bad.out) failures.push(`${name}: ${b}`);
      await page.close();
    }
    assert.deepEqual(failures, [], 'controls without a border under forced colours');
  });

  // WCAG 2.5.3 label in name: what a voice user reads on the chip must start
  // its spoken name. And WCAG 4.1.2: no link without a name on the home page.
  test(`[${lang.code}] chips are named by the words they show; every home link has a name`, TEST, async () => {
    for (const name of ['browse-chips', 'search']) {
      const p = pages.find((x) => x.name === name);
      const path = name === 'search' ? `${p.path}&material=jade` : p.path;
      const page = await contexts.anon[1280].newPage();
      await page.goto(`${site.base}${lang.prefix}${path}`, { waitUntil: 'load', timeout: WAIT });
      await axe(page);
      const chips = await page.evaluate(() => {
        window.axe.setup(document); // the tree accessibleText reads
        // the words one sees: text in boxes of more than a pixel (not the
        // visually hidden words for screen readers alone)
        const shownText = (el) => {
          let t = '';
          const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            const r = n.parentElement.getBoundingClientRect();
            if (r.width > 1 && r.height > 1) t += n.textContent;
          }
          return t;
        };
        try {
          return [...document.querySelectorAll('a.chip')].map((el) => ({
            shown: shownText(el).replace(/[×✕]/g, '').replace(/\s+/g, ' ').trim(),
            name: window.axe.commons.text.accessibleText(el).replace(/\s+/g, ' ').trim(),
          }));
        } finally {
          window.axe.teardown();
        }
      });
      assert.ok(chips.length >= 1, `${path}: no filter chip`);
      for (const c of chips) {
        assert.ok(c.name.toLowerCase().startsWith(c.shown.toLowerCase()),
          `${path}: the chip shows "${c.shown}" but is named "${c.name}"`);
      }
      await page.close();
    }
    const page = await contexts.anon[1280].newPage();
    await page.goto(`${site.base}${lang.prefix}/`, { waitUntil: 'load', timeout: WAIT });
    await axe(page);
    const links = await page.evaluate(() => {
      // the language switcher's links are named too: open it to see them
      for (const d of document.querySelectorAll('details')) d.open = true;
      window.axe.setup(document);
      try {
        return [...document.querySelectorAll('a[href]')].map((el) => ({
          href: el.getAttribute('href'),
          hidden: el.closest('[aria-hidden="true"]') !== null,
          name: window.axe.commons.text.accessibleText(el).trim(),
          motd: el.classList.contains('motd-img'),
        }));
      } finally {
        window.axe.teardown();
      }
    });
    const motd = links.filter((l) => l.motd);
    assert.equal(motd.length, 1, 'the home page shows the Masterpiece of the Day\'s picture');
    for (const l of links) {
      assert.ok(!l.hidden, `the link to ${l.href} is hidden from assistive technology`);
      assert.ok(l.name.length > 0, `the link to ${l.href} has no name`);
    }
    await page.close();
  });

  // Errors beside their fields, and tied to them for screen readers.
  test(`[${lang.code}] form errors are tied to their fields`, STYLE_ONLY(lang.code), async () => {
    const tied = (page) => page.evaluate(() => {
      const out = { invalid: 0, problems: [] };
      for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
        out.invalid++;
        const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
        const texts = ids.map((id) => document.getElementById(id)?.textContent.trim() || '');
        if (!texts.some((x) => x.length > 0)) out.problems.push(`#${el.id} is invalid but described by nothing`);
      }
      for (const err of document.querySelectorAll('.field-error')) {
        if (!err.id || !document.querySelector(`[aria-describedby~="${err.id}"]`)) {
          out.problems.push(`the error "${err.textContent.trim().slice(0, 40)}" describes no field`);
        }
      }
      return out;
    });
    // sign-in with a wrong password: both fields invalid, described by the error
    let page = await loginError(lang, 1280);
    let r = await tied(page);
    assert.deepEqual(r.problems, []);
    assert.equal(r.invalid, 2, 'the e-mail and password fields are marked invalid');
    await page.close();

    // the entry editor: a statement too short, saved, then sent to the
    // editors: the checks put their problems beside the fields
    page = await open(pages.find((p) => p.name === 'editor'), lang, 1280);
    // a text of its own per language: a save that changes nothing is not one
    await page.locator('textarea[id^="statement-"]').first().fill(`Too short (${lang.code}).`);
    await Promise.all([page.waitForURL(/done=/, { timeout: WAIT }),
      page.locator(`form[action$="/dashboard/entries/${site.entry}"] button[type=submit]`).click()]);
    await Promise.all([page.waitForLoadState('load'),
      page.locator('form[action$="/submit"] button[type=submit]').click()]);
    await page.waitForSelector('.field-error', { timeout: WAIT });
    r = await tied(page);
    assert.deepEqual(r.problems, []);
    assert.ok(r.invalid >= 1, 'the editor marks the field with the error invalid');
    await page.close();

    // the search's notes about the query describe its box
    page = await open(pages.find((p) => p.name === 'search-notes'), lang, 1280);
    const notes = await page.evaluate(() => {
      const box = document.getElementById('q');
      const ids = (box.getAttribute('aria-describedby') || '').split(/\s+/);
      return ids.map((id) => document.getElementById(id)).filter((e) => e && e.querySelector('.notes')).length;
    });
    assert.equal(notes, 1, 'the search box is described by the notes on its query');
    await page.close();
  });
}
