// Accounts in a real browser (Debian's Chromium through playwright-core),
// against the server tests/browser/run.sh starts: a museum administrator,
// made with `vcm user add`, accepts the invitation the outbox holds, signs
// in, invites a contributor through the users page; the contributor opens
// the link from the outbox (read with `vcm outbox`), sets a password and
// signs in. Every signed-in page is audited with axe (nothing serious or
// critical) at 390 and 1280 px and photographed (accounts-NAME-WIDTH.png in
// VCM_BROWSER_OUT), and the whole flow runs without JavaScript.

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
const TEST = { timeout: 180_000 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'Moonlit-courtyard-2718';

let browser;

function vcm(...args) {
  return execFileSync(VCM, [...args, '--db', DB], { encoding: 'utf8' });
}

// The path of the newest link of kind ('invite', 'reset') mailed to email.
function linkFor(email, kind) {
  const lines = vcm('outbox', email).trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length > 0, `no mail to ${email} in the outbox`);
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
  const shot = join(OUT, `accounts-${name}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  return bad.map((v) => `${name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(' ')).join(', '));
}

async function setPassword(page, path) {
  await page.goto(`${BASE}${path}`, { timeout: WAIT });
  await page.getByLabel('New password (12 to 128 characters)').fill(PASSWORD);
  await page.getByLabel('New password again').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/login\?done=/, { timeout: WAIT }),
    page.getByRole('button', { name: 'Set password' }).click()]);
}

async function signIn(page, email) {
  await page.goto(`${BASE}/login`, { timeout: WAIT });
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/account$/, { timeout: WAIT }),
    page.getByRole('button', { name: 'Sign in' }).click()]);
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

for (const js of [true, false]) {
  test(`a museum admin invites a contributor, who signs in (JavaScript ${js ? 'on' : 'off'})`, TEST, async (t) => {
    const tag = js ? 'js' : 'nojs';
    const admin = `admin-${tag}@example.org`;
    const contributor = `contributor-${tag}@example.org`;
    vcm('user', 'add', admin, `Admin ${tag}`, 'museum_admin', '1');
    const widths = js ? [390, 1280] : [390];
    const failures = [];
    const a = await browser.newContext({ viewport: { width: widths[0], height: 844 }, javaScriptEnabled: js, bypassCSP: true });
    try {
      const page = await a.newPage();
      await setPassword(page, linkFor(admin, 'invite'));
      await signIn(page, admin);
      assert.match(await page.locator('h1').innerText(), /Your account/);
      await page.goto(`${BASE}/users`, { timeout: WAIT });
      await page.getByLabel('Name').fill(`Contributor ${tag}`);
      await page.getByLabel('E-mail address').fill(contributor);
      await page.getByLabel('Role').selectOption('contributor');
      await Promise.all([page.waitForURL(/\/users\?done=invited/, { timeout: WAIT }),
        page.getByRole('button', { name: 'Send the invitation' }).click()]);
      assert.match(await page.locator('main').innerText(), new RegExp(contributor));
      if (js) {
        for (const width of widths) {
          await page.setViewportSize({ width, height: 844 });
          for (const [name, path] of [['account', '/account'], ['users', '/users']]) {
            await page.goto(`${BASE}${path}`, { timeout: WAIT });
            failures.push(...await audit(t, page, name, width));
          }
        }
      }
    } finally {
      await a.close();
    }
    const c = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: js, bypassCSP: true });
    try {
      const page = await c.newPage();
      const link = linkFor(contributor, 'invite');
      if (js) {
        for (const width of widths) {
          await page.setViewportSize({ width, height: 844 });
          await page.goto(`${BASE}${link}`, { timeout: WAIT });
          failures.push(...await audit(t, page, 'invite', width));
        }
      }
      await setPassword(page, link);
      await signIn(page, contributor);
      const main = await page.locator('main').innerText();
      assert.match(main, new RegExp(contributor));
      assert.match(main, /Contributor/);
      // a contributor manages no users
      const res = await page.goto(`${BASE}/users`, { timeout: WAIT });
      assert.equal(res.status(), 403);
    } finally {
      await c.close();
    }
    assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
  });
}
