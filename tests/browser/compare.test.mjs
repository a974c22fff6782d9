// Virtual exhibitions and the comparison in a real browser (Debian's
// Chromium through playwright-core) against the server tests/browser/run.sh
// starts (the National Palace Museum records; the images 'jade-a' on
// 古玉3888 and 'jade-b' on 古玉1863):
// - an editor builds an exhibition in the editor with a detail of a jade
//   (typed as numbers), submits and publishes it;
// - a visitor opens it, with and without JavaScript (the detail is an image
//   the server cut), and follows its link to compare the two jades;
// - on the comparison, zooming one viewer zooms the other, the address
//   then carries the view as IIIF Content State, and unlinking stops it;
// - the visitor saves the exhibition's detail to a collection, makes a
//   visitor account and shares the collection by its link, which a
//   browser without its cookies opens;
// - axe-core at 390 and 1280 px on the list, the exhibition and the
//   comparison (no serious or critical finding), with screenshots
//   (compare-NAME-WIDTH.png in VCM_BROWSER_OUT) to be looked at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { WAIT, launchChromium } from './browser.mjs';

const BASE = process.env.VCM_BROWSER_BASE;
const OUT = process.env.VCM_BROWSER_OUT;
const VCM = process.env.VCM_BROWSER_VCM;
const DB = process.env.VCM_BROWSER_DB;
const TEST = { timeout: 240_000 };
const PASSWORD = 'a long enough test password';
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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

async function objectId(sourceId) {
  const r = await fetch(`${BASE}/api/v1/objects?source_id=${encodeURIComponent(sourceId)}`);
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.ok(body.items?.length >= 1, `no object ${sourceId}`);
  return body.items[0].id;
}

async function audit(t, page, name, width) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS);
  const bad = result.violations.filter((v) => BLOCKING.has(v.impact));
  const shot = join(OUT, `compare-${name}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  return bad.map((v) => `${name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(' ')).join(', '));
}

async function editor(email) {
  vcm('user', 'add', email, 'Exhibition editor', 'editor');
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

// Both viewers have their image open (OpenSeadragon's world holds it).
async function viewersOpen(page) {
  await page.waitForFunction(() => Array.isArray(window.vcmCompare) && window.vcmCompare.length === 2 &&
    window.vcmCompare.every((v) => v.world.getItemCount() === 1 && v.world.getItemAt(0).getFullyLoaded()),
  null, { timeout: WAIT, polling: 'raf' });
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('an editor builds and publishes an exhibition with a detail; a visitor reads it and compares with linked zoom', TEST, async (t) => {
  const jade = await objectId('古玉3888');
  const bowl = await objectId('古玉1863');
  const ed = await editor('curator-vx@example.org');
  const failures = [];
  try {
    const page = ed.page;
    await page.goto(`${BASE}/dashboard/exhibitions`, { timeout: WAIT });
    await page.getByLabel('Its name in addresses').fill('two-jades');
    await page.getByLabel('Title').fill('Two jades');
    await Promise.all([page.waitForURL(/\/dashboard\/exhibitions\/two-jades$/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Create the exhibition' }).click()]);
    await page.locator('#vx-text_en').fill('Two carved jades of Taipei, and the surface of one seen close.');
    await page.locator('#vx-s1_title_en').fill('Worn with sand');
    await page.locator('#vx-s1_text_en').fill('Jade is not cut but worn away.');
    await page.locator('#vx-s1_items').fill(`${jade}\n${jade} 300,200,400,300 | The surface of the box\n${bowl}`);
    await Promise.all([page.waitForURL(/done=saved/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Save a new version' }).click()]);
    await Promise.all([page.waitForURL(/done=step/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Submit for review' }).click()]);
    await Promise.all([page.waitForURL(/done=step/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Publish', exact: true }).click()]);
    assert.match(await page.locator('.entry-state').innerText(), /Published/);
    // the editors' pages, at both widths
    for (const vp of WIDTHS) {
      await page.setViewportSize(vp);
      failures.push(...await audit(t, page, 'editor', vp.width));
      await page.goto(`${BASE}/dashboard/exhibitions`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'dashboard', vp.width));
      await page.goto(`${BASE}/dashboard/exhibitions/two-jades`, { timeout: WAIT });
    }
    // with JavaScript, a detail is chosen by drawing on the image
    await page.locator('#vx-s1_items').fill(`${bowl}`);
    await page.locator('#vx-s1_items').focus();
    await page.locator('.vx-pick[data-for="vx-s1_items"]').click();
    const stage = page.locator('#vx-picker .vx-pick-stage img');
    await stage.waitFor({ timeout: WAIT });
    await page.waitForFunction(() => document.querySelector('#vx-picker img')?.complete, null, { timeout: WAIT });
    await stage.scrollIntoViewIfNeeded();
    const sb = await stage.boundingBox();
    await page.mouse.move(sb.x + sb.width * 0.25, sb.y + sb.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(sb.x + sb.width * 0.75, sb.y + sb.height * 0.75, { steps: 4 });
    await page.mouse.up();
    assert.match(await page.locator('#vx-s1_items').inputValue(), new RegExp(`^${bowl} \\d+,\\d+,\\d+,\\d+$`));

    // a visitor without JavaScript: the detail is an image the server cut
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: WIDTHS[1] });
    const p0 = await noJs.newPage();
    const res = await p0.goto(`${BASE}/exhibitions/two-jades`, { timeout: WAIT });
    assert.equal(res.status(), 200);
    const detail = p0.locator('img[src*="/300,200,400,300/"]');
    await detail.waitFor({ timeout: WAIT });
    await p0.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: WAIT });
    assert.ok(await detail.evaluate((i) => i.naturalWidth > 0), 'the detail loads');
    const r2 = await p0.goto(`${BASE}/compare?objects=${jade},${bowl}`, { timeout: WAIT });
    assert.equal(r2.status(), 200);
    assert.equal(await p0.locator('.cmp-item img').count(), 2, 'without JavaScript: the two images');
    await noJs.close();

    // a visitor with JavaScript, at both widths
    for (const vp of WIDTHS) {
      const ctx = await browser.newContext({ viewport: vp, bypassCSP: true });
      const v = await ctx.newPage();
      const errors = [];
      v.on('pageerror', (e) => errors.push(e.message));
      await v.goto(`${BASE}/exhibitions`, { timeout: WAIT });
      failures.push(...await audit(t, v, 'list', vp.width));
      await Promise.all([v.waitForURL(/\/exhibitions\/two-jades$/, { timeout: WAIT }),
        v.getByRole('link', { name: 'Two jades' }).first().click()]);
      await v.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: WAIT });
      failures.push(...await audit(t, v, 'exhibition', vp.width));
      await Promise.all([v.waitForURL(/\/compare\?objects=/, { timeout: WAIT }),
        v.getByRole('link', { name: 'Compare these objects side by side' }).click()]);
      await viewersOpen(v);
      failures.push(...await audit(t, v, 'comparison', vp.width));
      if (vp.width === 1280) {
        // zooming one viewer zooms the other
        const before = await v.evaluate(() => window.vcmCompare.map((x) => x.viewport.getZoom(true)));
        const box = await v.locator('#cmp-viewer-1 .openseadragon-canvas').boundingBox();
        await v.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        // each wheel step zooms by OpenSeadragon's zoomPerScroll (1.2)
        for (let i = 0; i < 3; i++) await v.mouse.wheel(0, -120);
        await v.waitForFunction((b) => window.vcmCompare[0].viewport.getZoom() > b * 1.5,
          before[0], { timeout: WAIT, polling: 'raf' });
        await v.waitForFunction(() => {
          const [a, b] = window.vcmCompare;
          return Math.abs(a.viewport.getZoom() - b.viewport.getZoom()) < 1e-6 &&
            a.viewport.getCenter().distanceTo(b.viewport.getCenter()) < 1e-6;
        }, null, { timeout: WAIT, polling: 'raf' });
        assert.ok(before[1] < await v.evaluate(() => window.vcmCompare[1].viewport.getZoom()),
          'the second viewer zoomed with the first');
        // the address now carries the view; opened again, it frames the same region
        // (the state written once the zoom settled: its targets carry regions)
        await v.waitForFunction(() => {
          const m = /iiif-content=([^&]+)/.exec(location.search);
          if (!m) return false;
          let b = m[1].replace(/-/g, '+').replace(/_/g, '/');
          while (b.length % 4) b += '=';
          const state = JSON.parse(decodeURIComponent(atob(b)));
          return state.motivation === 'contentState' && state.target.length === 2 &&
            state.target.every((x) => x.type === 'SpecificResource' && /^xywh=\d+,\d+,\d+,\d+$/.test(x.selector.value));
        }, null, { timeout: WAIT, polling: 'raf' });
        const shared = await v.evaluate(() => location.href);
        const again = await fetch(shared);
        assert.equal(again.status, 200, 'the shared view opens');
        assert.match(await again.text(), /data-region="\d+,\d+,\d+,\d+"/);
        // unlinked, the second stays where it is (zooming out: the first may
        // be at its closest already)
        await v.getByLabel('Zoom and pan the images together').uncheck();
        const z1 = await v.evaluate(() => window.vcmCompare[1].viewport.getZoom());
        const z0 = await v.evaluate(() => window.vcmCompare[0].viewport.getZoom(true));
        const box2 = await v.locator('#cmp-viewer-1 .openseadragon-canvas').boundingBox();
        await v.mouse.move(box2.x + box2.width / 2, box2.y + box2.height / 2);
        await v.mouse.wheel(0, 120);
        await v.waitForFunction((z) => window.vcmCompare[0].viewport.getZoom(true) < z / 1.1,
          z0, { timeout: WAIT, polling: 'raf' });
        assert.equal(await v.evaluate(() => window.vcmCompare[1].viewport.getZoom()), z1,
          'unlinked: the second viewer did not move');
      }
      assert.deepEqual(errors, []);
      await ctx.close();
    }

    // the visitor keeps the exhibition's detail of the jade, makes an
    // account, and shares the collection by its link
    const vis = await browser.newContext({ viewport: WIDTHS[1] });
    const vp = await vis.newPage();
    await vp.goto(`${BASE}/exhibitions/two-jades`, { timeout: WAIT });
    await Promise.all([vp.waitForURL(/\/my\/save\?object=/, { timeout: WAIT }),
      vp.locator('a.vx-save[href*="region="]').first().click()]);
    assert.equal(await vp.getByLabel('Detail', { exact: true }).inputValue(), '300,200,400,300',
      'the save form holds the exhibition\'s detail');
    await vp.getByLabel('Name of the new collection').fill('Jade surfaces');
    await Promise.all([vp.waitForURL(/\/my\/lists\/\d+/, { timeout: WAIT }),
      vp.getByRole('button', { name: 'Save', exact: true }).click()]);
    const visitor = 'visitor-vx@example.org';
    await vp.goto(`${BASE}/my/signup`, { timeout: WAIT });
    await vp.getByLabel('E-mail address').fill(visitor);
    await vp.getByLabel('Your name').fill('Mei');
    await Promise.all([vp.waitForURL(/\/my\/signup\?sent=1/, { timeout: WAIT }),
      vp.getByRole('button', { name: 'Send me the link' }).click()]);
    await vp.goto(`${BASE}${linkFor(visitor, 'invite')}`, { timeout: WAIT });
    await vp.getByLabel('New password (12 to 128 characters)').fill(PASSWORD);
    await vp.getByLabel('New password again').fill(PASSWORD);
    await Promise.all([vp.waitForURL(/\/login\?done=/, { timeout: WAIT }),
      vp.getByRole('button', { name: 'Set password' }).click()]);
    await vp.getByLabel('E-mail address').fill(visitor);
    await vp.getByLabel('Password').fill(PASSWORD);
    await Promise.all([vp.waitForURL(/\/my$/, { timeout: WAIT }),
      vp.getByRole('button', { name: 'Sign in' }).click()]);
    // the collection kept by the cookie is now the account's
    await Promise.all([vp.waitForURL(/\/my\/lists\/\d+$/, { timeout: WAIT }),
      vp.getByRole('link', { name: 'Jade surfaces' }).click()]);
    await vp.getByLabel('Visibility').selectOption({ label: 'Anyone with the link' });
    await Promise.all([vp.waitForURL(/\/my\/lists\/\d+/, { timeout: WAIT }),
      vp.locator('form[action$="/visibility"] button[type=submit]').click()]);
    const shareUrl = (await vp.locator('.notice code').innerText()).trim();
    assert.match(shareUrl, /\/my\/shared\/[0-9a-f]+$/);
    await vis.close();
    // anyone with the link, signed in or not, sees the detail
    const other = await browser.newContext({ viewport: WIDTHS[0], bypassCSP: true });
    const op = await other.newPage();
    const shared = await op.goto(shareUrl, { timeout: WAIT });
    assert.equal(shared.status(), 200);
    assert.match(await op.locator('.my-item').first().innerText(), /300,200,400,300/);
    const img = op.locator('.my-item img').first();
    await op.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: WAIT });
    assert.ok(await img.evaluate((i) => i.naturalWidth > 0), 'the shared detail loads');
    failures.push(...await audit(t, op, 'shared-collection', WIDTHS[0].width));
    await other.close();
  } finally {
    await ed.ctx.close();
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});
