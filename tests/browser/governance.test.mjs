// Governance, meetings and news in a real browser (Debian's Chromium through
// playwright-core), against the server tests/browser/run.sh starts. The
// network's facts and its governance are loaded as `make run` loads them
// (vcm network load, then vcm governance load data/network/governance.tsv).
// Every page of the part is audited with axe (nothing serious or critical)
// at 390 and 1280 px, with JavaScript off, and photographed
// (governance-NAME-WIDTH.png in VCM_BROWSER_OUT); each shows its heading
// and what the seeds state.

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
const TEST = { timeout: 240_000 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
let pages;

function vcm(...args) {
  return execFileSync(VCM, [...args, '--db', DB], { encoding: 'utf8' });
}

async function firstLink(path, prefix) {
  const res = await fetch(`${BASE}${path}`);
  assert.equal(res.status, 200, `GET ${path}`);
  const html = await res.text();
  const esc = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = html.match(new RegExp(`href="(${esc}[0-9]+)"`));
  assert.ok(m, `no link to ${prefix}… on ${path}`);
  return m[1];
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  vcm('network', 'load', `${DATA}/asem-partners.csv`, 'data/network/facts.tsv', `${DATA}/museums.csv`);
  vcm('governance', 'load', 'data/network/governance.tsv');
  pages = [
    { name: 'governance', path: '/network/governance', text: 'Kim Youngna' },
    { name: 'office', path: await firstLink('/network/governance', '/network/governance/offices/'), text: 'Who held this office' },
    { name: 'elections', path: '/network/governance/elections', text: 'Elections' },
    { name: 'meetings', path: '/network/meetings', text: 'ASEMUS 2012 Seoul' },
    { name: 'meeting', path: await firstLink('/network/meetings', '/network/meetings/'), text: 'General Conference' },
    { name: 'news', path: '/network/news', text: 'Demonstration entry' },
    { name: 'news-item', path: await firstLink('/network/news', '/network/news/'), text: 'Demonstration entry' },
  ];
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

for (const { width, height } of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
  test(`governance pages: axe finds nothing serious at ${width} px, without JavaScript`, TEST, async (t) => {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true, javaScriptEnabled: false });
    const failures = [];
    try {
      for (const p of pages) {
        const page = await context.newPage();
        const res = await page.goto(`${BASE}${p.path}`, { waitUntil: 'load', timeout: WAIT });
        assert.equal(res.status(), 200, `GET ${p.path}`);
        assert.ok((await page.locator('h1').count()) >= 1, `${p.path} has a heading`);
        assert.ok((await page.locator('main').innerText()).includes(p.text), `${p.path} shows ${p.text}`);
        const shot = join(OUT, `governance-${p.name}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        t.diagnostic(`screenshot: ${shot}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    // axe runs as a script: in a context with JavaScript on
    const axeContext = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    try {
      for (const p of pages) {
        const page = await axeContext.newPage();
        await page.goto(`${BASE}${p.path}`, { waitUntil: 'load', timeout: WAIT });
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS);
        for (const v of result.violations) {
          const line = `${p.name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`;
          if (BLOCKING.has(v.impact)) failures.push(line);
          else t.diagnostic(line);
        }
        await page.close();
      }
    } finally {
      await axeContext.close();
    }
    assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
  });
}
