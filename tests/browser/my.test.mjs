// Visitors' collections and comments in a real browser (Debian's Chromium
// through playwright-core), with JavaScript off, against the server
// tests/browser/run.sh starts: a visitor without an account saves a detail
// of the jade's image from its page (through /my/save, which gives the
// CSRF cookie), saves another object with the page's own button, comments
// on the object; an editor, made with `vcm user add`, approves the comment
// in the moderation queue, and the visitor sees it on the object page.
// Every page of the part is then audited with axe (which needs JavaScript;
// nothing serious or critical) at 390 and 1280 px and photographed (my-NAME-WIDTH.png in
// VCM_BROWSER_OUT).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { WAIT, launchChromium } from './browser.mjs';

const BASE = process.env.VCM_BROWSER_BASE;
const OUT = process.env.VCM_BROWSER_OUT;
const VCM = process.env.VCM_BROWSER_VCM;
const DB = process.env.VCM_BROWSER_DB;
const TEST = { timeout: 240_000 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'Quiet-lacquer-box-5190';
const EDITOR = 'my-editor@example.org';
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

let browser;
let objectPath;
let otherPath;

function vcm(...args) {
  return execFileSync(VCM, [...args, '--db', DB], { encoding: 'utf8' });
}

async function audit(t, page, name, width) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS);
  const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
  const shot = join(OUT, `my-${name}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  return bad.map((v) => `${name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(' ')).join(', '));
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  const res = await fetch(`${BASE}/api/v1/objects?source_id=${encodeURIComponent('古玉3888')}`);
  const id = (await res.json()).items?.[0]?.id;
  assert.ok(id, 'no object 古玉3888');
  objectPath = `/objects/${id}`;
  const list = await (await fetch(`${BASE}/api/v1/objects?limit=5`)).json();
  otherPath = `/objects/${list.items.find((o) => o.id !== id).id}`;
  vcm('user', 'add', EDITOR, 'Comment Editor', 'editor');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('a visitor keeps a detail and comments; an editor approves; all without JavaScript', TEST, async (t) => {
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false, bypassCSP: true });
  const editor = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false, bypassCSP: true });
  const failures = [];
  try {
    const page = await visitor.newPage();
    // a first visit: the page's button leads to /my/save
    await page.goto(`${BASE}${objectPath}`, { timeout: WAIT });
    await Promise.all([page.waitForURL(/\/my\/save\?object=/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Save to my collection' }).click()]);
    await page.getByLabel('Name of the new collection').fill('Carved jades');
    await page.getByLabel('Your note').fill('Look at the carving of the rim.');
    await page.getByLabel('Detail', { exact: true }).fill('100,100,600,400');
    await Promise.all([page.waitForURL(/\/my\/lists\/\d+\?added=1/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Save', exact: true }).click()]);
    const listPath = new URL(page.url()).pathname;
    assert.match(await page.content(), /Look at the carving of the rim\./);
    assert.match(await page.content(), /100,100,600,400/);
    // with the cookie, another object's own button saves at once
    await page.goto(`${BASE}${otherPath}`, { timeout: WAIT });
    await Promise.all([page.waitForURL(/\/my\/lists\/\d+\?added=1/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Save to my collection' }).click()]);
    assert.equal(new URL(page.url()).pathname, listPath);
    // a comment from the object page: waiting, not shown
    await page.goto(`${BASE}${objectPath}`, { timeout: WAIT });
    await page.getByLabel('Your name').fill('Mei');
    await page.getByLabel('Your comment').fill('The green of this jade is like still water.');
    await Promise.all([page.waitForURL(/comment=pending/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Send' }).click()]);
    assert.doesNotMatch(await page.content(), /like still water/);
    // the editor approves it
    const link = JSON.parse(vcm('outbox', EDITOR).trim().split('\n')[0]).body.match(/\/invite\/[0-9a-f]{64}/)[0];
    const ed = await editor.newPage();
    await ed.goto(`${BASE}${link}`, { timeout: WAIT });
    await ed.getByLabel('New password (12 to 128 characters)').fill(PASSWORD);
    await ed.getByLabel('New password again').fill(PASSWORD);
    await Promise.all([ed.waitForURL(/\/login\?done=/, { timeout: WAIT }),
      ed.getByRole('button', { name: 'Set password' }).click()]);
    await ed.getByLabel('E-mail address').fill(EDITOR);
    await ed.getByLabel('Password').fill(PASSWORD);
    await Promise.all([ed.waitForURL(/\/account$/, { timeout: WAIT }),
      ed.getByRole('button', { name: 'Sign in' }).click()]);
    await ed.goto(`${BASE}/comments/review`, { timeout: WAIT });
    assert.match(await ed.content(), /like still water/);
    // axe needs JavaScript: the audits run in contexts with the same cookies
    const edState = await editor.storageState();
    for (const { width, height } of WIDTHS) {
      const ctx = await browser.newContext({ viewport: { width, height }, bypassCSP: true, storageState: edState });
      const p = await ctx.newPage();
      await p.goto(`${BASE}/comments/review`, { timeout: WAIT });
      failures.push(...await audit(t, p, 'comments-review', width));
      await p.goto(`${BASE}/my/review`, { timeout: WAIT });
      failures.push(...await audit(t, p, 'review', width));
      await ctx.close();
    }
    await Promise.all([ed.waitForURL(/\/comments\/review/, { timeout: WAIT }),
      ed.getByRole('button', { name: 'Approve' }).first().click()]);
    // the visitor sees it now, and every page of the part passes axe
    const pages = [
      ['object-comments', objectPath],
      ['collection', listPath],
      ['collections', '/my'],
      ['save', `/my/save?object=${objectPath.split('/').pop()}`],
      ['comment-form', `${objectPath}/comments/new`],
      ['signup', '/my/signup'],
    ];
    const state = await visitor.storageState();
    for (const { width, height } of WIDTHS) {
      const ctx = await browser.newContext({ viewport: { width, height }, bypassCSP: true, storageState: state });
      const p = await ctx.newPage();
      for (const [name, path] of pages) {
        await p.goto(`${BASE}${path}`, { timeout: WAIT });
        if (name === 'object-comments') assert.match(await p.content(), /like still water/);
        failures.push(...await audit(t, p, name, width));
      }
      await ctx.close();
    }
  } finally {
    await visitor.close();
    await editor.close();
  }
  assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
});
