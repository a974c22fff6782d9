// A site of its own for the accessibility and right-to-left tests, so that
// what they add (masterpieces, accounts) does not change the pages the
// other tests look at: a temporary folder under TMPDIR with a database of
// the National Palace Museum's records and the first records of the demo
// (over 96, so that browse has a third page), the image 'jade-a' on
// 古玉3888, the museum's language set to English and three of its records
// published as masterpieces (`vcm masterpieces demo`: the jade, with its
// image, becomes the Masterpiece of the Day), a contributor of the museum
// and an editor; then `vcm serve` on a free loopback port, stopped by its
// PID. Not a test file itself (node --test runs only *.test.mjs).
//
// The languages to test come from VCM_A11Y_LANGS ("en ur" unless set:
// English and a right-to-left script; "en" is the site without a prefix,
// the others are URL prefixes; "en ko th ur" adds Korean and Thai, a script
// written without spaces between words).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAIT } from './browser.mjs';

export const PASSWORD = 'Celadon-kiln-5821';
export const CONTRIBUTOR = 'a11y-curator@example.org';
export const EDITOR = 'a11y-editor@example.org';

// [{ code, prefix, dir }]: the languages of this run.
export function languages() {
  const codes = (process.env.VCM_A11Y_LANGS ?? 'en ur').split(/[\s,]+/).filter(Boolean);
  return codes.map((code) => ({
    code,
    prefix: code === 'en' ? '' : `/${code}`,
    dir: code === 'ur' ? 'rtl' : 'ltr',
  }));
}

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
      if (child.exitCode !== null) return reject(new Error(`vcm serve exited with ${child.exitCode}`));
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); resolve(); });
      c.on('error', () => {
        if (Date.now() > end) reject(new Error(`vcm serve did not listen on ${port} within 20 s`));
        else setTimeout(probe, 50);
      });
    })();
  });
}

export async function startSite() {
  const bin = process.env.VCM_BROWSER_VCM;
  const data = process.env.VCM_DATA || '../shared/data';
  assert.ok(bin, 'VCM_BROWSER_VCM is unset: run sh tests/browser/run.sh');
  const dir = mkdtempSync(join(tmpdir(), 'vcm-site-'));
  const db = `sqlite:${join(dir, 'db')}`;
  const media = join(dir, 'media');
  const vcm = (...args) => execFileSync(bin, [...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = readFileSync(join(data, 'collection.jsonl'), 'utf8').split('\n');
  const npm = lines.filter((l) => l.includes('National Palace Museum'));
  const first = lines.slice(0, 120).filter((l) => l && !l.includes('National Palace Museum'));
  writeFileSync(join(dir, 'records.jsonl'), [...npm, ...first].join('\n') + '\n');
  vcm('import', '--quiet', join(dir, 'records.jsonl'));
  vcm('media', 'add', '--quiet', '--media', media, '古玉3888', join(data, 'images/npm_taipei/jade070_00.jpg'), '--id', 'jade-a');
  const museum = vcm('museum', 'show', 'National Palace Museum, Taipei').match(/^id (\d+)$/m)[1];
  vcm('museum', 'set', museum, '--languages', 'en');
  vcm('masterpieces', 'demo', '3');
  vcm('user', 'add', CONTRIBUTOR, 'Curator of the test', 'contributor', museum);
  vcm('user', 'add', EDITOR, 'Editor of the test', 'editor');
  // the museum's entry for the jade: the editor page to look at
  const entries = vcm('masterpieces', 'list', museum).trim().split('\n').slice(1).map((l) => l.split('\t'));
  assert.ok(entries.length > 0, 'the demo published no masterpiece');

  const port = await freePort();
  const child = spawn(bin, ['serve', '--db', db, '--media', media, '--listen', `127.0.0.1:${port}`,
    '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await listening(port, child);
  const base = `http://127.0.0.1:${port}`;
  // the search index is built after the server starts: 503 until then
  for (let i = 0; ; i++) {
    const res = await fetch(`${base}/api/v1/search?q=a&facets=none`);
    await res.arrayBuffer();
    if (res.status === 200) break;
    assert.equal(res.status, 503, 'search answers 200 or, while starting, 503');
    assert.ok(i < 600, 'search not ready within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    vcm,
    entry: entries[0][0],
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Accepts email's invitation (the link from the outbox) and sets its
// password, in English: the fields are found by their ids. Once per account.
export async function acceptInvitation(browser, site, email) {
  const mail = site.vcm('outbox', email).trim().split('\n').map((l) => JSON.parse(l));
  const m = mail[0].body.match(/(\/invite\/[0-9a-f]{64})/);
  assert.ok(m, `no invitation for ${email}`);
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(`${site.base}${m[1]}`, { timeout: WAIT });
    await page.locator('#pw-new').fill(PASSWORD);
    await page.locator('#pw-confirm').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/login\?done=/, { timeout: WAIT }),
      page.locator('main form button[type=submit]').click()]);
  } finally {
    await ctx.close();
  }
}

// A browser context (with options) signed in as email, whose invitation
// was accepted; the session cookie serves every language.
export async function signedIn(browser, site, email, options) {
  const ctx = await browser.newContext(options);
  const page = await ctx.newPage();
  await page.goto(`${site.base}/login`, { timeout: WAIT });
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/account$/, { timeout: WAIT }),
    page.locator('main form button[type=submit]').click()]);
  await page.close();
  return ctx;
}

// The path of the first link on path whose target starts with prefix.
export async function firstLink(base, path, prefix) {
  const res = await fetch(`${base}${path}`);
  assert.equal(res.status, 200, `GET ${path}`);
  const html = await res.text();
  const esc = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = html.match(new RegExp(`href="(${esc}[^"?#]+)"`));
  assert.ok(m, `no link to ${prefix}… on ${path}`);
  return m[1];
}
