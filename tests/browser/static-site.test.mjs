// The static export (vcm export-site) in a real browser, served by a plain
// static file server (python3 -m http.server on loopback) and nothing else:
// the exported home page; an object page whose deep zoom (the site's own
// static/viewer.js, OpenSeadragon) opens the exported level-0 info.json,
// zoomed in all the way; Mirador (DIR/viewer/) on an exported manifest.
// Every request must stay on the static server and get a 200.
//
// The store is its own (a temporary folder under TMPDIR): the National
// Palace Museum's records, the photograph 'jade-a' (1088 x 816: four levels
// of tiles) and 'small-jade' (250 x 188: smaller than one tile), this one
// opened from a small page the test writes into the export.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAIT, launchChromium } from './browser.mjs';

const TEST = { timeout: 120_000 };
const OUT = process.env.VCM_BROWSER_OUT;

let browser, dir, site, base, server, manifestId;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function listening(port, child) {
  const end = Date.now() + 20_000;
  return new Promise((resolve, reject) => {
    (function probe() {
      if (child.exitCode !== null) return reject(new Error(`the static server exited with ${child.exitCode}`));
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); resolve(); });
      c.on('error', () => {
        if (Date.now() > end) reject(new Error(`the static server did not listen on ${port} within 20 s`));
        else setTimeout(probe, 50);
      });
    })();
  });
}

before(async () => {
  const bin = process.env.VCM_BROWSER_VCM;
  const data = process.env.VCM_DATA || '../shared/data';
  assert.ok(bin && OUT, 'VCM_BROWSER_VCM and VCM_BROWSER_OUT are unset: run sh tests/browser/run.sh');
  dir = mkdtempSync(join(tmpdir(), 'vcm-static-'));
  const db = `sqlite:${join(dir, 'db')}`;
  const media = join(dir, 'media');
  site = join(dir, 'site');
  const vcm = (...args) => execFileSync(bin, [...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const npm = readFileSync(join(data, 'collection.jsonl'), 'utf8').split('\n')
    .filter((l) => l.includes('National Palace Museum'));
  writeFileSync(join(dir, 'npm.jsonl'), npm.join('\n') + '\n');
  vcm('import', '--quiet', join(dir, 'npm.jsonl'));
  vcm('media', 'add', '--quiet', '--media', media, '古玉3888', join(data, 'images/npm_taipei/jade070_00.jpg'), '--id', 'jade-a');
  vcm('media', 'add', '--quiet', '--media', media, 'source:古玉0636', join(data, 'images/npm_taipei/jade001_00_w250.jpg'), '--id', 'small-jade');

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // the whole static site: pages in English and Korean, the search, the
  // images, manifests and viewers
  execFileSync(bin, ['export-site', '--quiet', '--db', db, '--media', media, '--base-url', base,
    '--langs', 'en,ko', site], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // the manifest of the object that shows jade-a
  for (const f of readdirSync(join(site, 'iiif/manifest'))) {
    if (readFileSync(join(site, 'iiif/manifest', f), 'utf8').includes(`${base}/iiif/jade-a/`)) manifestId = `${base}/iiif/manifest/${f}`;
  }
  assert.ok(manifestId, 'no exported manifest shows jade-a');
  // a page of the test's own, as the object page shows the viewer, for the
  // image smaller than a tile
  for (const [name, image] of [['osd-small', 'small-jade']]) {
    mkdirSync(join(site, name), { recursive: true });
    writeFileSync(join(site, name, 'index.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${image}</title>
<style>#viewer{width:900px;height:600px}</style></head>
<body><div id="viewer" class="viewer" data-info="${base}/iiif/${image}/info.json">
<img src="${base}/iiif/${image}/full/!600,600/0/default.jpg" alt="${image}"></div>
<p id="viewer-state" aria-live="polite" data-zoom="{} %"></p>
<script src="/static/viewer.js"></script></body></html>
`);
  }
  server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', site, String(port)],
    { stdio: ['ignore', 'ignore', 'ignore'] });
  await listening(port, server);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Every request of a page: those that leave the static server are stopped
// and listed; answers of 400 and above, failures and console errors too.
async function watch(page) {
  const w = { outside: [], problems: [], responses: [] };
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    w.outside.push(url);
    return route.abort();
  });
  page.on('console', (m) => {
    // Mirador 4 itself reads element.ref, which React 19 reports (and still
    // answers): a deprecation of the viewer's own code, not a fault of the
    // export
    if (m.type() === 'error' && !m.text().startsWith('Accessing element.ref was removed in React 19')) {
      w.problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => w.problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => w.problems.push(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    w.responses.push(r);
    if (r.status() >= 400) w.problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  return w;
}

// The standard deviation of the brightness of the middle of a PNG: a viewer
// that drew nothing is flat there; the jade photograph gives tens.
async function middleSpread(context, png) {
  const page = await context.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const x0 = Math.floor(c.width * 0.3), y0 = Math.floor(c.height * 0.3);
      const d = g.getImageData(x0, y0, Math.floor(c.width * 0.4), Math.floor(c.height * 0.4)).data;
      let n = 0, sum = 0, sq = 0;
      for (let i = 0; i < d.length; i += 4) {
        const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        n++; sum += y; sq += y * y;
      }
      const mean = sum / n;
      return Math.sqrt(sq / n - mean * mean);
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

// Until OpenSeadragon has drawn every tile in view with no animation left.
function settled(page) {
  return page.waitForFunction(() => {
    const v = window.vcmViewer;
    if (!v || v.world.getItemCount() === 0) return false;
    const vp = v.viewport;
    return v.world.getItemAt(0).getFullyLoaded() && !v.world.needsDraw() &&
      vp.getZoom(true) === vp.getZoom(false);
  }, null, { polling: 'raf', timeout: WAIT });
}

const tileOf = (image) => new RegExp(`^/iiif/${image}/(\\d+,\\d+,\\d+,\\d+|full)/(\\d+,\\d+|max)/0/default\\.jpg$`);

test('the exported home page and the browse page link to exported pages, in English and Korean', TEST, async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const w = await watch(page);
    const res = await page.goto(`${base}/`, { timeout: WAIT });
    assert.equal(res.status(), 200);
    assert.match(await page.locator('h1, .brand').first().innerText(), /Virtual Collection/);
    // its links are relative files of the export, and each one is there
    const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href));
    const own = hrefs.filter((h) => h.startsWith(`${base}/`));
    assert.ok(own.includes(`${base}/browse/index.html`), 'no link to the browse page');
    for (const h of new Set(own)) {
      const r = await page.request.get(h);
      assert.equal(r.status(), 200, h);
    }
    await page.screenshot({ path: join(OUT, 'static-home.png'), fullPage: true });
    t.diagnostic(`screenshot: ${join(OUT, 'static-home.png')}`);
    // the browse page lists the objects, their pages exported
    await page.goto(`${base}/browse/index.html`, { timeout: WAIT });
    const objects = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href)
      .filter((h) => /\/objects\/\d+\/index\.html$/.test(h)));
    assert.ok(objects.length >= 10, `${objects.length} objects on the browse page`);
    assert.equal((await page.request.get(objects[0])).status(), 200);
    await page.goto(`${base}/ko/`, { timeout: WAIT });
    assert.equal(await page.getAttribute('html', 'lang'), 'ko');
    assert.deepEqual(w.outside, [], 'requests that left the static server');
    assert.deepEqual(w.problems, [], 'errors');
  } finally {
    await context.close();
  }
});

test('an exported object page zooms into its level-0 image, every tile from the static server', TEST, async (t) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await context.newPage();
    const w = await watch(page);
    const object = new URL(manifestId).pathname.split('/').pop().replace(/\.json$/, '');
    await page.goto(`${base}/objects/${object}/index.html`, { timeout: WAIT });
    await settled(page);
    // all the way in: the full-resolution tiles (scale factor 1)
    await page.evaluate(() => {
      const vp = window.vcmViewer.viewport;
      vp.zoomTo(vp.getMaxZoom(), null, true);
      vp.applyConstraints(true);
    });
    await settled(page);
    const re = tileOf('jade-a');
    const tiles = w.responses.filter((r) => re.test(new URL(r.url()).pathname));
    const full = tiles.filter((r) => {
      const [, region, size] = new URL(r.url()).pathname.match(re);
      const rw = region.split(',')[2], sw = size.split(',')[0];
      return region !== 'full' && rw === sw; // region and output of one size: full resolution
    });
    t.diagnostic(`${tiles.length} tiles, ${full.length} of them at full resolution`);
    assert.ok(full.length >= 1, 'no full-resolution tile was fetched');
    for (const r of tiles) {
      assert.equal(r.status(), 200, r.url());
      const body = await r.body();
      assert.ok(body[0] === 0xff && body[1] === 0xd8, `${r.url()} is not a JPEG`);
    }
    const spread = await middleSpread(context, await page.locator('#viewer').screenshot());
    assert.ok(spread > 8, `the viewer shows no image (brightness spread ${spread.toFixed(1)})`);
    await page.screenshot({ path: join(OUT, 'static-osd.png') });
    t.diagnostic(`screenshot: ${join(OUT, 'static-osd.png')}`);
    assert.deepEqual(w.outside, [], 'requests that left the static server');
    assert.deepEqual(w.problems, [], 'errors');
  } finally {
    await context.close();
  }
});

test('OpenSeadragon shows an image smaller than a tile (one file, full/max)', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await context.newPage();
    const w = await watch(page);
    await page.goto(`${base}/osd-small/`, { timeout: WAIT });
    await settled(page);
    const tiles = w.responses.filter((r) => tileOf('small-jade').test(new URL(r.url()).pathname));
    assert.deepEqual(tiles.map((r) => new URL(r.url()).pathname), ['/iiif/small-jade/full/max/0/default.jpg']);
    const spread = await middleSpread(context, await page.locator('#viewer').screenshot());
    assert.ok(spread > 8, `the viewer shows no image (brightness spread ${spread.toFixed(1)})`);
    assert.deepEqual(w.outside, [], 'requests that left the static server');
    assert.deepEqual(w.problems, [], 'errors');
  } finally {
    await context.close();
  }
});

test('Mirador, copied into the export, opens an exported manifest and shows its image', TEST, async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const w = await watch(page);
    const re = tileOf('jade-a');
    const tileSeen = page.waitForResponse((r) => re.test(new URL(r.url()).pathname), { timeout: WAIT });
    await page.goto(`${base}/viewer/?manifest=${encodeURIComponent(manifestId)}`, { timeout: WAIT });
    const tile = await tileSeen;
    assert.equal(tile.status(), 200);
    // Mirador draws with OpenSeadragon into a canvas: wait until it holds
    // the photograph (not flat), then look at it
    const canvas = page.locator('.openseadragon-canvas canvas').first();
    await canvas.waitFor({ timeout: WAIT });
    let spread = 0;
    for (const end = Date.now() + WAIT; Date.now() < end && spread <= 8;) {
      spread = await middleSpread(context, await canvas.screenshot());
      if (spread <= 8) await page.waitForTimeout(250);
    }
    assert.ok(spread > 8, `Mirador shows no image (brightness spread ${spread.toFixed(1)})`);
    const shot = join(OUT, 'static-mirador.png');
    await page.screenshot({ path: shot });
    t.diagnostic(`screenshot: ${shot}`);
    const fetched = w.responses.map((r) => new URL(r.url()).pathname);
    assert.ok(fetched.includes(new URL(manifestId).pathname), 'the manifest was not fetched');
    assert.ok(fetched.includes('/iiif/jade-a/info.json'), 'info.json was not fetched');
    assert.deepEqual(w.outside, [], 'requests that left the static server');
    assert.deepEqual(w.problems, [], 'errors');
  } finally {
    await context.close();
  }
});
