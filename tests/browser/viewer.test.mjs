// The object page's deep-zoom viewer in a real browser: Debian's Chromium,
// driven by playwright-core, against a real `vcm serve` over loopback.
//
// tests/browser/run.sh starts the server (a temporary database holding the
// National Palace Museum records and the image 'jade-a' on object 古玉3888)
// and passes it in the environment:
//   VCM_BROWSER_BASE   http://127.0.0.1:PORT of the server
//   VCM_BROWSER_OUT    folder for the screenshots
// Run alone (`node --test tests/browser/`) every test fails and says so.
//
// Every wait is on an event (a response, a page condition checked each
// animation frame), never a fixed sleep; the time limits are only there so a
// broken page fails instead of hanging.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WAIT, launchChromium } from './browser.mjs';

const BASE = process.env.VCM_BROWSER_BASE;
const OUT = process.env.VCM_BROWSER_OUT;
const SOURCE_ID = '古玉3888';
const IMAGE = 'jade-a';
const INFO_PATH = `/iiif/${IMAGE}/info.json`;
// A tile as OpenSeadragon asks for it: region x,y,w,h, then a size.
const TILE_RE = new RegExp(`^/iiif/${IMAGE}/\\d+,\\d+,\\d+,\\d+/[^/]+/0/default\\.jpg$`);
const TEST = { timeout: 90_000 };

let browser;
let objectPath;

before(async () => {
  assert.ok(BASE && OUT, 'VCM_BROWSER_BASE and VCM_BROWSER_OUT are unset: run sh tests/browser/run.sh');
  const url = `${BASE}/api/v1/objects?source_id=${encodeURIComponent(SOURCE_ID)}`;
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  const body = await res.json();
  assert.ok(body.items?.length >= 1, `no object with source_id ${SOURCE_ID}`);
  objectPath = `/objects/${body.items[0].id}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

function pathOf(urlString) {
  return new URL(urlString).pathname;
}

// Records what must not happen on a page: console errors, uncaught
// exceptions, requests that failed, responses of 400 and above. Also keeps
// every response, for checks on what was fetched.
function watch(page) {
  const w = { problems: [], responses: [] };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location().url || '';
    w.problems.push(`console error: ${m.text()} (${where || '?'})`);
  });
  page.on('pageerror', (e) => w.problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => w.problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    w.responses.push(r);
    if (r.status() >= 400) w.problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return w;
}

function contentType(res) {
  return (res.headers()['content-type'] || '').split(';')[0].trim();
}

async function assertJpeg(res, what) {
  assert.equal(res.status(), 200, `${what}: status of ${res.url()}`);
  assert.equal(contentType(res), 'image/jpeg', `${what}: content-type of ${res.url()}`);
  const body = await res.body();
  assert.ok(body.length > 100 && body[0] === 0xff && body[1] === 0xd8 && body[2] === 0xff,
    `${what}: ${res.url()} is not a JPEG (${body.length} bytes)`);
}

// Until OpenSeadragon has its image open, every tile in view loaded and
// drawn, no animation under way, and zoom and centre unchanged for five
// animation frames: a key press moves the view a step per frame for ten
// frames, with no animation (current and target are equal all along), so
// only a still view shows that it is over. Checked once per frame.
async function waitViewerSettled(page) {
  await awaited(page.waitForFunction(() => {
    const v = window.vcmViewer;
    if (!v || v.world.getItemCount() === 0) return false;
    const vp = v.viewport;
    const c = vp.getCenter(true);
    const t = vp.getCenter(false);
    const key = [vp.getZoom(true), vp.getZoom(false), c.x, c.y, t.x, t.y].join();
    const s = window.vcmTestSettle || (window.vcmTestSettle = { key: '', frames: 0 });
    s.frames = s.key === key ? s.frames + 1 : 0;
    s.key = key;
    return s.frames >= 5 && v.world.getItemAt(0).getFullyLoaded() && !v.world.needsDraw() &&
      vp.getZoom(true) === vp.getZoom(false) && c.x === t.x && c.y === t.y;
  }, null, { polling: 'raf', timeout: WAIT }), 'the viewer did not finish loading and drawing its tiles');
}

// A wait that is started before the action it watches: says what did not
// happen if it fails, and is marked handled at once, so that when an earlier
// step fails first its later rejection is not an unhandled one.
function awaited(promise, what) {
  const p = promise.catch((e) => {
    throw new Error(`${what}: ${e.message.split('\n')[0]}`);
  });
  p.catch(() => {});
  return p;
}

// Opens the object page with JavaScript on and waits for the viewer:
// info.json fetched, at least one tile fetched as a JPEG, all tiles drawn.
async function openViewer(context) {
  const page = await context.newPage();
  const w = watch(page);
  const infoSeen = awaited(page.waitForResponse((r) => pathOf(r.url()) === INFO_PATH, { timeout: WAIT }),
    `the viewer did not request ${INFO_PATH}`);
  const tileSeen = awaited(page.waitForResponse((r) => TILE_RE.test(pathOf(r.url())), { timeout: WAIT }),
    `the viewer requested no tile /iiif/${IMAGE}/x,y,w,h/…/default.jpg`);
  await page.goto(BASE + objectPath, { timeout: WAIT });
  const info = await infoSeen;
  assert.equal(info.status(), 200, `status of ${INFO_PATH}`);
  const json = await info.json();
  assert.equal(json.width, 1088, 'info.json width');
  assert.equal(json.height, 816, 'info.json height');
  await assertJpeg(await tileSeen, 'first tile');
  await waitViewerSettled(page);
  return { page, w };
}

// The tiles the page fetched: all of them 200 image/jpeg, and at least one.
async function assertTiles(w) {
  const tiles = w.responses.filter((r) => TILE_RE.test(pathOf(r.url())));
  assert.ok(tiles.length >= 1, 'no tile was fetched');
  for (const t of tiles) await assertJpeg(t, 'tile');
  return tiles.length;
}

function assertNoProblems(w) {
  assert.deepEqual(w.problems, [], 'console errors, failed requests or error responses');
}

// The standard deviation of the brightness of a screenshot's middle part.
// A viewer that drew nothing is one flat colour there (close to 0); the jade
// box photograph gives tens. Decoded by the browser itself, on a blank page.
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

async function viewerAt(width, height, t) {
  const context = await browser.newContext({ viewport: { width, height } });
  try {
    const { page, w } = await openViewer(context);
    const live = await page.locator('#viewer').evaluate((el) => ({
      live: el.classList.contains('live'),
      canvas: !!el.querySelector('.openseadragon-canvas'),
      still: !!el.querySelector(':scope > img'),
      box: el.getBoundingClientRect().toJSON(),
    }));
    assert.ok(live.live && live.canvas && !live.still, `viewer did not replace the still image: ${JSON.stringify(live)}`);
    assert.ok(live.box.width >= width * 0.5 && live.box.height >= 200,
      `viewer is too small at ${width} px: ${Math.round(live.box.width)}×${Math.round(live.box.height)}`);
    const spread = await middleSpread(context, await page.locator('#viewer').screenshot());
    assert.ok(spread > 8, `the viewer shows no image (brightness spread ${spread.toFixed(1)})`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow} px wider than the ${width} px window`);
    const shot = join(OUT, `viewer-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    const n = await assertTiles(w);
    t.diagnostic(`${n} tiles, brightness spread ${spread.toFixed(1)}`);
    assertNoProblems(w);
  } finally {
    await context.close();
  }
}

test('viewer at 1280 px loads info.json and JPEG tiles and draws them, without errors', TEST,
  (t) => viewerAt(1280, 900, t));

test('viewer at 390 px loads and draws, and the page fits the width', TEST,
  (t) => viewerAt(390, 844, t));

test('keyboard: + zooms in and w pans up on the focused viewer', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, w } = await openViewer(context);
    const state = () => page.evaluate(() => {
      const vp = window.vcmViewer.viewport;
      const c = vp.getCenter(false);
      return { zoom: vp.getZoom(false), x: c.x, y: c.y };
    });
    // The main canvas (the navigator has one too), which viewer.js labels
    // for screen readers. Focused as a keyboard user gets there (Tab), not
    // by clicking: a click on the canvas zooms by itself.
    const canvas = page.locator('#viewer .openseadragon-canvas[role="img"]');
    assert.equal(await canvas.count(), 1, 'no canvas with role="img" in #viewer');
    assert.ok((await canvas.getAttribute('aria-label'))?.length > 0, 'the viewer canvas has no aria-label');
    assert.equal(await canvas.getAttribute('tabindex'), '0', 'the viewer canvas is not in the tab order');
    await canvas.focus();
    assert.ok(await canvas.evaluate((el) => document.activeElement === el && el === window.vcmViewer.canvas),
      'the viewer canvas did not take focus');

    const z0 = await state();
    await page.keyboard.press('+');
    await awaited(page.waitForFunction((z) => window.vcmViewer.viewport.getZoom(false) > z * 1.05, z0.zoom,
      { timeout: WAIT }), `+ did not zoom in from ${z0.zoom}`);
    await waitViewerSettled(page);
    const z1 = await state();
    assert.ok(z1.zoom > z0.zoom * 1.05, `zoom ${z0.zoom} → ${z1.zoom}`);

    await page.keyboard.press('w');
    await awaited(page.waitForFunction((y) => window.vcmViewer.viewport.getCenter(false).y < y, z1.y,
      { timeout: WAIT }), `w did not pan up from centre y ${z1.y}`);
    await waitViewerSettled(page);
    const z2 = await state();
    assert.ok(z2.y < z1.y, `centre y ${z1.y} → ${z2.y} (w should pan up)`);
    assert.ok(Math.abs(z2.zoom - z1.zoom) < 1e-9, `w changed the zoom: ${z1.zoom} → ${z2.zoom}`);

    await assertTiles(w);
    assertNoProblems(w);
  } finally {
    await context.close();
  }
});

// The rest of the keyboard (arrows pan, - zooms out, the numeric pad's +
// zooms in, 0 goes home), and the zoom level said in the live region.
test('keyboard: arrows pan, - and numpad + zoom, 0 goes home; the zoom level is announced', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, w } = await openViewer(context);
    const state = () => page.evaluate(() => {
      const vp = window.vcmViewer.viewport;
      const c = vp.getCenter(false);
      return { zoom: vp.getZoom(false), home: vp.getHomeZoom(), x: c.x, y: c.y };
    });
    const live = page.locator('#viewer-state');
    assert.equal(await live.getAttribute('aria-live'), 'polite', 'no polite live region #viewer-state');
    const said = () => live.textContent();
    await awaited(page.waitForFunction(() => /\b100\b/.test(document.getElementById('viewer-state').textContent),
      null, { timeout: WAIT }), 'the live region does not say 100 % once the image is open');
    const canvas = page.locator('#viewer .openseadragon-canvas[role="img"]');
    await canvas.focus();

    const s0 = await state();
    await page.keyboard.press('NumpadAdd');
    await awaited(page.waitForFunction((z) => window.vcmViewer.viewport.getZoom(false) > z * 1.05, s0.zoom,
      { timeout: WAIT }), 'numpad + did not zoom in');
    await waitViewerSettled(page);
    const s1 = await state();
    const pct = Math.round((s1.zoom / s1.home) * 100);
    await awaited(page.waitForFunction((p) => document.getElementById('viewer-state').textContent.includes(String(p)),
      pct, { timeout: WAIT }), `the live region does not say ${pct}`);
    assert.match(await said(), /%/, 'the zoom level is said in per cent');

    await page.keyboard.press('ArrowRight');
    await awaited(page.waitForFunction((x) => window.vcmViewer.viewport.getCenter(false).x > x, s1.x,
      { timeout: WAIT }), 'ArrowRight did not pan right');
    await waitViewerSettled(page);
    await page.keyboard.press('ArrowDown');
    await awaited(page.waitForFunction((y) => window.vcmViewer.viewport.getCenter(false).y > y, s1.y,
      { timeout: WAIT }), 'ArrowDown did not pan down');
    await waitViewerSettled(page);

    const s2 = await state();
    await page.keyboard.press('-');
    await awaited(page.waitForFunction((z) => window.vcmViewer.viewport.getZoom(false) < z * 0.95, s2.zoom,
      { timeout: WAIT }), '- did not zoom out');
    await waitViewerSettled(page);

    await page.keyboard.press('0');
    await awaited(page.waitForFunction(() => {
      const vp = window.vcmViewer.viewport;
      return Math.abs(vp.getZoom(false) / vp.getHomeZoom() - 1) < 1e-6;
    }, null, { timeout: WAIT }), '0 did not go home');
    await waitViewerSettled(page);
    await awaited(page.waitForFunction(() => /\b100\b/.test(document.getElementById('viewer-state').textContent),
      null, { timeout: WAIT }), 'the live region does not say 100 % back home');
    assertNoProblems(w);
  } finally {
    await context.close();
  }
});

// The deep-zoom library is not part of the first view: the page asks for
// it only after its load event, so the still image comes first.
test('OpenSeadragon is fetched after the page has loaded', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const html = await (await fetch(BASE + objectPath)).text();
    assert.doesNotMatch(html, /openseadragon/i, 'the object page\'s HTML names OpenSeadragon');
    assert.match(html, /<script src="\/static\/viewer.js" defer>/, 'the object page loads viewer.js');
    await page.goto(BASE + objectPath, { waitUntil: 'load', timeout: WAIT });
    await awaited(page.waitForFunction(() => !!window.vcmViewer, null, { timeout: WAIT }), 'the viewer did not start');
    // the browser's own clock: when the load event began, when the library was asked for
    const t = await page.evaluate(() => ({
      load: performance.getEntriesByType('navigation')[0].loadEventStart,
      osd: performance.getEntriesByType('resource').filter((e) => /openseadragon\.min\.js$/.test(e.name))
        .map((e) => e.startTime),
    }));
    assert.equal(t.osd.length, 1, 'OpenSeadragon was fetched once');
    assert.ok(t.load > 0 && t.osd[0] >= t.load, `OpenSeadragon asked for at ${t.osd[0]} ms, the load event at ${t.load} ms`);
    for (const p of ['/', '/browse', '/museums']) {
      const other = await (await fetch(BASE + p)).text();
      assert.doesNotMatch(other, /viewer\.js|openseadragon/i, `${p} loads the viewer's script`);
    }
  } finally {
    await context.close();
  }
});

// Without JavaScript the page keeps the still <img>; the browser picks the
// srcset candidate for the width: 60vw of 1280 px needs the 1200w one, 100vw
// of 390 px is served by the 600w one.
for (const [width, height, want] of [[1280, 900, '!1200,1200'], [390, 844, '!600,600']]) {
  test(`without JavaScript at ${width} px the still image loads from its srcset (${want})`, TEST, async () => {
    const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const w = watch(page);
      await page.goto(BASE + objectPath, { timeout: WAIT }); // waits for 'load': images included
      const img = page.locator('#viewer > img');
      assert.equal(await img.count(), 1, 'no still <img> in #viewer');
      const srcset = await img.getAttribute('srcset');
      assert.match(srcset ?? '', /600w/, 'srcset');
      assert.match(srcset, /1200w/, 'srcset');
      const s = await img.evaluate((el) => ({
        naturalWidth: el.naturalWidth,
        complete: el.complete,
        currentSrc: el.currentSrc,
        shown: el.getBoundingClientRect().width,
        live: el.parentElement.classList.contains('live'),
      }));
      assert.ok(s.complete && s.naturalWidth > 0, `the still image did not load: ${JSON.stringify(s)}`);
      assert.ok(s.shown >= 200, `the still image is shown ${s.shown} px wide`);
      assert.ok(!s.live, 'the viewer started although JavaScript is off');
      assert.ok(decodeURIComponent(s.currentSrc).includes(`/iiif/${IMAGE}/full/${want}/0/default.jpg`),
        `currentSrc ${s.currentSrc}, wanted the ${want} candidate`);
      const got = w.responses.find((r) => r.url() === s.currentSrc);
      assert.ok(got, `no response seen for ${s.currentSrc}`);
      await assertJpeg(got, 'still image');
      assert.ok(!w.responses.some((r) => pathOf(r.url()) === INFO_PATH), 'info.json was fetched with JavaScript off');
      assertNoProblems(w);
    } finally {
      await context.close();
    }
  });
}
