// The search of a static copy of the site (vcm export-site), in headless
// Chromium, served by a plain static file server (python3 -m http.server),
// against the live server on the same records: a site of its own, built
// here in a temporary folder from a few hundred demo records (Korean
// celadons, Chinese jades, paintings in ink on silk and a sample of the
// rest), with `vcm serve` and the file server on free loopback ports,
// both stopped by their PID.
//
// - the tokens of the script equal the server's (`vcm search tokens`) on
//   the corpus of static-corpus.mjs, in Node and in Chromium;
// - 청자, 玉 and "ink on silk": ids in order on pages 1 and 2, the total
//   and the facet counts by museum and origin equal /api/v1/search's; and
//   with a museum facet chosen, in the Korean page as well;
// - without JavaScript the page says that searching needs it and links to
//   browse.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WAIT, launchChromium } from './browser.mjs';
import { corpus } from './static-corpus.mjs';

const require = createRequire(import.meta.url);
const TEST = { timeout: 180_000 };
const QUERIES = ['청자', '玉', 'ink on silk'];

let dir, live, files, liveBase, staticBase, browser, vcm;

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function listening(port, child, what) {
  const end = Date.now() + 20_000;
  return new Promise((res, rej) => {
    (function probe() {
      if (child.exitCode !== null) return rej(new Error(`${what} exited with ${child.exitCode}`));
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); res(); });
      c.on('error', () => {
        if (Date.now() > end) rej(new Error(`${what} did not listen on ${port} within 20 s`));
        else setTimeout(probe, 50);
      });
    })();
  });
}

function stop(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((res) => { child.once('exit', res); process.kill(child.pid, 'SIGTERM'); });
}

before(async () => {
  const bin = process.env.VCM_BROWSER_VCM;
  const data = process.env.VCM_DATA || '../shared/data';
  assert.ok(bin, 'VCM_BROWSER_VCM is unset: run sh tests/browser/run.sh');
  dir = mkdtempSync(join(tmpdir(), 'vcm-static-'));
  const db = `sqlite:${join(dir, 'db')}`;
  vcm = (...args) => execFileSync(bin, [...args, '--db', db], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const lines = readFileSync(join(data, 'collection.jsonl'), 'utf8').split('\n').filter(Boolean);
  const pick = (re, n) => lines.filter((l) => re.test(l)).slice(0, n);
  const chosen = new Set([...pick(/청자/, 60), ...pick(/玉/, 120), ...pick(/ink on silk/i, 120),
    ...lines.filter((_, i) => i % 300 === 0)]);
  // one record in Lao, whose words Chromium's dictionary cuts otherwise
  chosen.add(JSON.stringify({ source_museum: 'Vientiane Test Museum', source_country: 'LA', source_id: 'lao-1',
    title: 'ຜົນງານຊິ້ນເອກຂອງສິລະປະອາຊີ', culture: 'Laos', medium: 'Silk' }));
  chosen.add(JSON.stringify({ source_museum: 'Vientiane Test Museum', source_country: 'LA', source_id: 'lao-2',
    title: 'ຜູ້ສ້າງສັນ ຄຳຮ້ອງຂໍໃຫຍ່ເກີນໄປ', culture: 'Laos' }));
  writeFileSync(join(dir, 'records.jsonl'), [...chosen].join('\n') + '\n');
  vcm('import', '--quiet', join(dir, 'records.jsonl'));

  const port = await freePort();
  live = spawn(resolve(bin), ['serve', '--db', db, '--media', join(dir, 'media'), '--listen', `127.0.0.1:${port}`,
    '--log-level', 'warn'], { stdio: 'ignore' });
  await listening(port, live, 'vcm serve');
  liveBase = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const res = await fetch(`${liveBase}/api/v1/search?q=a&facets=none`);
    await res.arrayBuffer();
    if (res.status === 200) break;
    assert.ok(i < 600, 'search not ready within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }

  // the whole static site (its pages in English and Korean), as a museum
  // network would publish it: the search is written with it
  const fport = await freePort();
  staticBase = `http://127.0.0.1:${fport}`;
  vcm('export-site', '--quiet', '--langs', 'en,ko', '--media', join(dir, 'media'), '--base-url', staticBase,
    join(dir, 'site'));
  files = spawn('python3', ['-m', 'http.server', String(fport), '--bind', '127.0.0.1', '--directory', join(dir, 'site')],
    { stdio: 'ignore' });
  await listening(fport, files, 'python3 -m http.server');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stop(files);
  await stop(live);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function liveSearch(q, page, extra = '') {
  const res = await fetch(`${liveBase}/api/v1/search?q=${encodeURIComponent(q)}&limit=24&offset=${(page - 1) * 24}&facets=museum,origin${extra}`);
  assert.equal(res.status, 200);
  const j = await res.json();
  return {
    ids: j.hits.map((h) => h.id),
    total: j.total,
    museum: j.facets.museum.map((f) => [String(f.value), f.count]),
    origin: j.facets.origin.map((f) => [String(f.value), f.count]),
  };
}

async function staticSearch(page, path) {
  await page.goto(`${staticBase}${path}`, { timeout: WAIT });
  await page.waitForSelector('#static-search[data-done], #static-search[data-error]', { timeout: WAIT });
  const error = await page.getAttribute('#static-search', 'data-error');
  assert.equal(error, null, `the static search failed on ${path}`);
  return page.evaluate(() => {
    const facet = (name) => [...document.querySelectorAll(`section[data-facet="${name}"] li`)]
      .map((li) => [li.querySelector('a').dataset.value, Number(li.dataset.count)]);
    return {
      ids: [...document.querySelectorAll('ol.hits > li.hit')].map((li) => Number(li.dataset.id)),
      total: Number(document.getElementById('static-search').dataset.total),
      museum: facet('museum'),
      origin: facet('origin'),
    };
  });
}

test('the static results equal the live server\'s: 청자, 玉, "ink on silk", pages 1 and 2', TEST, async () => {
  const page = await browser.newPage();
  for (const q of QUERIES) {
    for (const n of [1, 2]) {
      const want = await liveSearch(q, n);
      assert.ok(want.total > 0, `the live server finds ${q}`);
      const got = await staticSearch(page, `/search/?q=${encodeURIComponent(q)}&page=${n}`);
      assert.deepEqual(got, want, `${q}, page ${n}`);
    }
  }
  // the queries reach a second page, and more than one museum
  assert.ok((await liveSearch('玉', 2)).ids.length > 0, '玉 has a second page');
  assert.ok((await liveSearch('ink on silk', 1)).museum.length > 1, 'ink on silk: several museums');
  await page.close();
});

test('a Lao query across the words Chromium cuts otherwise finds what the server finds', TEST, async () => {
  const page = await browser.newPage();
  // Chromium cuts ຜູ້ສ້າງສັນ and ຄຳຮ້ອງຂໍ so that they have pairs the index lacks
  for (const q of ['ງານຊິ້ນ', 'ຜົນງານ', 'ຜູ້ສ້າງສັນ', 'ຄຳຮ້ອງຂໍ']) {
    const want = await liveSearch(q, 1);
    assert.equal(want.total, 1, `the live server finds ${q}`);
    const got = await staticSearch(page, `/search/?q=${encodeURIComponent(q)}`);
    assert.deepEqual(got.ids, want.ids, q);
    assert.equal(got.total, want.total, q);
  }
  await page.close();
});

test('a facet chosen, in the Korean page', TEST, async () => {
  const page = await browser.newPage();
  const first = await liveSearch('ink on silk', 1);
  const museum = first.museum[1][0];
  const want = await liveSearch('ink on silk', 1, `&museum=${museum}`);
  const got = await staticSearch(page, `/ko/search/?q=${encodeURIComponent('ink on silk')}&museum=${museum}`);
  assert.deepEqual(got, want);
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  // the facet links lead to the same search narrowed
  const href = await page.getAttribute(`section[data-facet="origin"] a`, 'href');
  assert.match(href, /origin=/);
  await page.close();
});

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);

for (const [width, height] of [[390, 844], [1280, 800]]) {
  test(`axe finds nothing serious on the static search page at ${width} px`, TEST, async (t) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const failures = [];
    for (const [name, path] of [['en', `/search/?q=${encodeURIComponent('玉')}`], ['ko', `/ko/search/?q=${encodeURIComponent('청자')}`]]) {
      const page = await context.newPage();
      await staticSearch(page, path);
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] }));
      for (const v of result.violations.filter((x) => BLOCKING.has(x.impact)))
        failures.push(`${name} ${width}px: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      if (process.env.VCM_BROWSER_OUT) {
        const shot = join(process.env.VCM_BROWSER_OUT, `static-search-${name}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        t.diagnostic(`screenshot: ${shot}`);
      }
      await page.close();
    }
    await context.close();
    assert.deepEqual(failures, []);
  });
}

test('without JavaScript the page says so and links to browse', TEST, async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${staticBase}/search/?q=${encodeURIComponent('玉')}`, { timeout: WAIT });
  assert.match(await page.locator('.needs-js').innerText(), /JavaScript/);
  // relative, as every link of the copy: the browse page's file
  assert.equal(await page.getAttribute('.needs-js a', 'href'), '../browse/index.html');
  assert.equal((await page.request.get(new URL('../browse/index.html', page.url()).href)).status(), 200);
  await context.close();
});

test('the tokens of the script equal the server\'s, in Node and in Chromium', TEST, async (t) => {
  const data = process.env.VCM_DATA || '../shared/data';
  const { strings } = corpus(data, 'thesaurus');
  assert.ok(strings.length > 1000, `a corpus of ${strings.length} strings`);
  const server = {};
  for (const flags of [0, 1]) {
    server[flags] = execFileSync(process.env.VCM_BROWSER_VCM, ['search', 'tokens', ...(flags ? ['stem'] : [])],
      { input: strings.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n');
    assert.equal(server[flags].length, strings.length);
  }
  const site = join(dir, 'site', 'search');
  const { Search } = require('../../static/search-static.js');
  const ab = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  const s = new Search((p, bin) => Promise.resolve(bin ? ab(readFileSync(join(site, p))) : readFileSync(join(site, p), 'utf8')));
  await s.init();
  const differ = (got) => {
    const out = [];
    for (const flags of [0, 1])
      got[flags].forEach((t, i) => { if (t !== server[flags][i]) out.push(`${strings[i]}\n  server ${server[flags][i]}\n  script ${t}`); });
    return out;
  };
  const inNode = { 0: [], 1: [] };
  for (const flags of [0, 1])
    for (const str of strings)
      inNode[flags].push(JSON.stringify((await s.tokenize(str, flags)).map((t) => [t.text, t.kind, t.pos, t.start, t.end])));
  const nodeDiff = differ(inNode);
  assert.deepEqual(nodeDiff.slice(0, 5), [], `${nodeDiff.length} strings cut otherwise in Node (ICU ${process.versions.icu})`);

  const page = await browser.newPage();
  await page.goto(`${staticBase}/search/`, { timeout: WAIT });
  const inChromium = await page.evaluate(async (list) => {
    const s = new window.VcmStaticSearch.Search((p, bin) => fetch('./' + p).then((r) => (bin ? r.arrayBuffer() : r.text())));
    await s.init();
    window.__byChars = s.byChars;
    const out = { 0: [], 1: [] };
    for (const flags of [0, 1])
      for (const str of list)
        out[flags].push(JSON.stringify((await s.tokenize(str, flags)).map((t) => [t.text, t.kind, t.pos, t.start, t.end])));
    return out;
  }, strings);
  // Chromium's own dictionaries cut some Thai, Lao, Khmer and Burmese words
  // otherwise than the server's ICU: those strings may differ in their words
  // and pairs, never in their characters and positions, by which the script
  // then searches those scripts (byChars)
  const DICT = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
  const chars = (json) => JSON.stringify(JSON.parse(json).filter((x) => x[1] === 2).map((x) => [x[0], x[2]]));
  const other = [], dict = [];
  for (const flags of [0, 1])
    inChromium[flags].forEach((got, i) => {
      if (got === server[flags][i]) return;
      if (DICT.test(strings[i]) && chars(got) === chars(server[flags][i])) dict.push(strings[i]);
      else other.push(`${strings[i]}\n  server ${server[flags][i]}\n  script ${got}`);
    });
  if (process.env.VCM_SHOW_DIFF) console.log(other.concat(dict).join('\n'));
  assert.deepEqual(other.slice(0, 5), [], `${other.length} strings cut otherwise in Chromium`);
  t.diagnostic(`Chromium: ${dict.length / 2} of ${strings.length} strings in Thai, Lao, Khmer or Burmese cut into other words (same characters at the same positions)`);
  if (dict.length) assert.equal(await page.evaluate(() => window.__byChars), true, 'the page searches those scripts by characters');
  await page.close();
});
