// Masterpiece entries end to end in a real browser (Debian's Chromium
// through playwright-core), against the server tests/browser/run.sh starts
// (the National Palace Museum's records). The museum's profile is set to
// Korean and English, as a Korean member's would be, so the checks ask for
// both. A contributor signs in, selects a catalogue record, creates a new
// record with English and Korean titles, writes statements in both,
// uploads an image and submits; an editor asks for changes; the
// contributor fixes and resubmits; the editor publishes. The object is
// then on its public page, in the search, in the IIIF top collection and
// among the Masterpiece of the Day's candidates (the published ones with
// an image); the history lists every version and a revert adds one. The
// dashboard, the editor and the review page are audited with axe at 390
// and 1280 px (nothing serious or critical) and photographed
// (masterpieces-NAME-WIDTH.png in VCM_BROWSER_OUT).

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
const DATA = process.env.VCM_DATA || '../shared/data';
const TEST = { timeout: 300_000 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'Celadon-kiln-5821';
const ST_EN = 'This bowl shows the potter\'s command of a thin celadon glaze at its finest: an even ' +
  'crackle, a foot cut with one stroke, and a form the court workshops admired for centuries.';
const ST_KO = '이 그릇은 얇은 청자 유약을 다루는 도공의 솜씨를 가장 잘 보여 줍니다. 고른 빙렬, 한 번에 깎아 낸 굽, ' +
  '그리고 궁정 공방이 여러 세기 동안 찬탄한 형태가 돋보이는 작품으로, 그 시대 도자 예술의 정점을 대표합니다.';

let browser;

function vcm(...args) {
  return execFileSync(VCM, [...args, '--db', DB], { encoding: 'utf8' });
}

function linkFor(email, kind) {
  const lines = vcm('outbox', email).trim().split('\n').map((l) => JSON.parse(l));
  const m = lines[0].body.match(new RegExp(`(/${kind}/[0-9a-f]{64})`));
  assert.ok(m, `no ${kind} link in: ${lines[0].body}`);
  return m[1];
}

async function audit(t, page, name, width) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS);
  const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
  const shot = join(OUT, `masterpieces-${name}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  return bad.map((v) => `${name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(' ')).join(', '));
}

async function account(email, role, museum) {
  vcm('user', 'add', email, `${role} of the test`, role, ...(museum ? [museum] : []));
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(`${BASE}${linkFor(email, 'invite')}`, { timeout: WAIT });
  await page.getByLabel('New password (12 to 128 characters)').fill(PASSWORD);
  await page.getByLabel('New password again').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/login\?done=/, { timeout: WAIT }),
    page.getByRole('button', { name: 'Set password' }).click()]);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/account$/, { timeout: WAIT }),
    page.getByRole('button', { name: 'Sign in' }).click()]);
  return { ctx, page };
}

async function press(page, name, url) {
  await Promise.all([page.waitForURL(url, { timeout: WAIT }),
    page.getByRole('button', { name, exact: true }).first().click()]);
}

async function json(path) {
  const r = await fetch(`${BASE}${path}`);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('a contributor selects, writes and submits; an editor asks for changes and publishes', TEST, async (t) => {
  const museum = vcm('museum', 'show', 'National Palace Museum, Taipei').match(/^id (\d+)$/m)[1];
  vcm('museum', 'set', museum, '--languages', 'ko en');
  const c = await account('curator@example.org', 'contributor', museum);
  const e = await account('editor@example.org', 'editor');
  const failures = [];
  try {
    const page = c.page;
    // select a record of the catalogue, found with the search box
    await page.goto(`${BASE}/dashboard/entries/new`, { timeout: WAIT });
    await page.getByLabel('Search the catalogue').fill('jade');
    await press(page, 'Find records', /q=jade/);
    await press(page, 'Choose', /\/dashboard\/entries\/\d+\?done=created/);
    assert.match(await page.locator('main').innerText(), /Draft/);

    // create a new record, English and Korean
    await page.goto(`${BASE}/dashboard/entries/new`, { timeout: WAIT });
    await page.getByLabel('Title in English').fill('Celadon bowl with crackle');
    await page.getByLabel(/Title in the museum's language/).fill('빙렬 청자 그릇');
    await press(page, 'Create the record', /\/dashboard\/entries\/\d+\?done=created/);
    const id = page.url().match(/entries\/(\d+)/)[1];
    const editor = `${BASE}/dashboard/entries/${id}`;

    // a statement too short is saved, but submitting says so beside it
    await page.locator('#statement-en').fill('Too short.');
    await press(page, 'Save a new version', /done=saved/);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('main').innerText(), /at least 100 characters/);
    assert.match(await page.locator('main').innerText(), /not ready yet/);

    await page.goto(editor, { timeout: WAIT });
    await page.locator('#statement-en').fill(ST_EN);
    await page.locator('#author-en').fill('Kim Curator');
    await page.locator('#statement-ko').fill(ST_KO);
    await page.locator('#author-ko').fill('김 학예사');
    await page.locator('#f-licence').fill('http://creativecommons.org/publicdomain/zero/1.0/');
    await press(page, 'Save a new version', /done=saved/);

    // an upload that is no image, then the image
    await page.locator('#upload').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
    await page.getByRole('button', { name: 'Upload' }).click();
    assert.match(await page.locator('main').innerText(), /not an image this site takes/);
    await page.goto(editor, { timeout: WAIT });
    await page.locator('#upload').setInputFiles(join(DATA, 'images/npm_taipei/jade070_01_w250.jpg'));
    await press(page, 'Upload', /done=uploaded/);
    await press(page, 'Submit for review', /done=submitted/);

    // the editor asks for changes
    const ep = e.page;
    await ep.goto(`${BASE}/review`, { timeout: WAIT });
    await Promise.all([ep.waitForURL(new RegExp(`/review/${id}$`), { timeout: WAIT }),
      ep.getByRole('link', { name: 'Celadon bowl with crackle' }).click()]);
    assert.match(await ep.locator('main').innerText(), /Every check passes/);
    await ep.getByLabel('What should change').fill('Please say which kiln made it.');
    await press(ep, 'Ask for changes', /done=changes/);

    // the contributor sees it waiting, fixes and resubmits
    await page.goto(`${BASE}/dashboard`, { timeout: WAIT });
    assert.match(await page.locator('main').innerText(), /Please say which kiln made it/);
    await page.goto(editor, { timeout: WAIT });
    await page.locator('#statement-en').fill(`${ST_EN} It was fired at the Longquan kilns.`);
    await press(page, 'Save a new version', /done=saved/);
    await press(page, 'Submit for review', /done=submitted/);

    // the editor publishes
    await ep.goto(`${BASE}/review/${id}`, { timeout: WAIT });
    await press(ep, 'Publish', /done=published/);

    // public: the object's page, the search, the IIIF collection, the day's candidates
    await page.goto(editor, { timeout: WAIT });
    const oid = Number((await page.getByRole('link', { name: 'The record' }).getAttribute('href')).split('/').pop());
    const obj = await fetch(`${BASE}/objects/${oid}`);
    assert.equal(obj.status, 200);
    const html = await obj.text();
    assert.match(html, /Celadon bowl with crackle/);
    assert.match(html, /Longquan kilns/);
    let found = false;
    for (let i = 0; i < 100 && !found; i++) {
      const s = await json('/api/v1/search?q=celadon+crackle');
      found = (s.hits || []).some((h) => h.id === oid);
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(found, 'the published object is not found by the search');
    const top = JSON.stringify(await json('/iiif/collection/top'));
    assert.ok(top.includes(`/iiif/manifest/${oid}`), 'not in the IIIF top collection');
    const list = vcm('masterpieces', 'list', museum);
    assert.match(list, new RegExp(`^${id}\\t.*published`, 'm'), list);

    // the history lists every version; a revert adds one
    await page.goto(editor, { timeout: WAIT });
    const rows = await page.locator('#history ~ form tbody tr').count();
    assert.equal(rows, 5, 'versions: as created, the short statement, the statements, the image, the fix');
    await page.getByLabel('Revert to version').selectOption('4');
    await press(page, 'Revert (as a new version)', /done=reverted/);
    assert.equal(await page.locator('#history ~ form tbody tr').count(), rows + 1);
    assert.doesNotMatch(await page.locator('#statement-en').inputValue(), /Longquan/);

    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await ep.setViewportSize({ width, height: 900 });
      await page.goto(`${BASE}/dashboard`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'dashboard', width));
      await page.goto(`${BASE}/dashboard/entries/new?q=jade`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'new', width));
      await page.goto(`${editor}?from=1&to=5#history`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'editor', width));
      await ep.goto(`${BASE}/review`, { timeout: WAIT });
      failures.push(...await audit(t, ep, 'queue', width));
      await ep.goto(`${BASE}/review/${id}`, { timeout: WAIT });
      failures.push(...await audit(t, ep, 'review', width));
    }
  } finally {
    await c.ctx.close();
    await e.ctx.close();
  }
  assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
});
