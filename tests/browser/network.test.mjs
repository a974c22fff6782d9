// The network in a real browser (Debian's Chromium through playwright-core),
// against the server tests/browser/run.sh starts. The network's facts are
// loaded as `make run` loads them (vcm network load: the ASEM partners,
// data/network/facts.tsv). Then:
// - a museum applies through the public join form at /network/join, with
//   JavaScript off: first with a field left out (the note stands beside the
//   field and what was typed stays), then complete;
// - the secretariat, an account made with `vcm user add`, sets its password
//   from the invitation in the outbox, signs in, opens /network/applications
//   and accepts the application; the museum is then on /network/members and
//   its own page says it is a member;
// - every network page is audited with axe (nothing serious or critical) at
//   390 and 1280 px and photographed (network-NAME-WIDTH.png in
//   VCM_BROWSER_OUT).

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
const PASSWORD = 'Lacquer-pavilion-5823';
const SECRETARIAT = 'secretariat-network@example.org';
const MUSEUM = 'Museum of East Asian Art (browser test)';

let browser;

function vcm(...args) {
  return execFileSync(VCM, [...args, '--db', DB], { encoding: 'utf8' });
}

function inviteLink(email) {
  const lines = vcm('outbox', email).trim().split('\n').map((l) => JSON.parse(l));
  const m = lines[0]?.body.match(/(\/invite\/[0-9a-f]{64})/);
  assert.ok(m, `no invitation to ${email} in the outbox`);
  return m[1];
}

async function audit(t, page, name, width) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS);
  const shot = join(OUT, `network-${name}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  return result.violations.filter((v) => BLOCKING.has(v.impact)).map((v) =>
    `${name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(' ')).join(', '));
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  vcm('network', 'load', `${DATA}/asem-partners.csv`, 'data/network/facts.tsv');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('a join application goes from the public form to membership', TEST, async (t) => {
  const failures = [];
  // the applicant: no account, JavaScript off
  const visitor = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  try {
    const page = await visitor.newPage();
    await page.goto(`${BASE}/network/join`, { timeout: WAIT });
    await page.getByLabel('Name of the museum').fill(MUSEUM);
    await page.getByLabel('Country').selectOption('DE');
    await page.getByLabel('City').fill('Cologne');
    await page.getByLabel('Its Asian collections, in a few sentences').fill('Chinese, Japanese and Korean art');
    await page.getByLabel('Name', { exact: true }).fill('Alex Example');
    await page.getByLabel('E-mail address').fill('alex@example.org');
    await page.getByLabel('The museum fits the ICOM museum definition.').check();
    await page.getByLabel('The museum follows the ICOM Code of Ethics for Museums.').check();
    // the consent left out: refused, the note beside its field
    await page.getByRole('button', { name: 'Send the application' }).click();
    await page.waitForLoadState('load');
    const note = page.locator('label[for="j-consent"] .field-error');
    assert.match(await note.innerText(), /consent/);
    assert.equal(await page.getByLabel('Name of the museum').inputValue(), MUSEUM);
    await page.getByLabel(/The network may keep these contact details/).check();
    await page.getByRole('button', { name: 'Send the application' }).click();
    await page.waitForLoadState('load');
    assert.match(page.url(), /\/network\/join\?done=1/, await page.locator('main').innerText());
    assert.match(await page.locator('[role=status]').innerText(), /application has been received/);
  } finally {
    await visitor.close();
  }

  // the secretariat
  vcm('user', 'add', SECRETARIAT, 'Secretariat', 'secretariat');
  const sec = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  try {
    const page = await sec.newPage();
    await page.goto(`${BASE}${inviteLink(SECRETARIAT)}`, { timeout: WAIT });
    await page.getByLabel('New password (12 to 128 characters)').fill(PASSWORD);
    await page.getByLabel('New password again').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/login\?done=/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Set password' }).click()]);
    await page.getByLabel('E-mail address').fill(SECRETARIAT);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/account$/, { timeout: WAIT }),
      page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.goto(`${BASE}/network/applications`, { timeout: WAIT });
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${BASE}/network/applications`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'applications', width));
    }
    const app = page.locator('article.application', { hasText: MUSEUM });
    await Promise.all([page.waitForURL(/done=accepted/, { timeout: WAIT }),
      app.getByRole('button', { name: 'Accept as a member' }).click()]);
    assert.match(await page.locator('[role=status]').innerText(), /the museum is a member/);
    // the member on the public pages
    await page.goto(`${BASE}/network/members`, { timeout: WAIT });
    const link = page.getByRole('link', { name: MUSEUM });
    await link.click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('h1').innerText(), new RegExp(MUSEUM.replace(/[()]/g, '\\$&')));
    assert.match(await page.locator('main').innerText(), /member ·/);
    const memberPath = new URL(page.url()).pathname;
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${BASE}${memberPath}/manage`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'manage', width));
      await page.goto(`${BASE}/network/people`, { timeout: WAIT });
      failures.push(...await audit(t, page, 'people', width));
    }
  } finally {
    await sec.close();
  }

  // every public page of the network, as a visitor
  const pub = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  try {
    const page = await pub.newPage();
    const acm = await (await fetch(`${BASE}/api/v1/network/members`)).json();
    const first = acm.members.find((m) => m.name === 'Asian Civilisations Museum');
    assert.ok(first, 'the Asian Civilisations Museum is a member');
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      for (const [name, path] of [['overview', '/network'], ['members', '/network/members'],
        ['member', first.url], ['growth', '/network/growth'], ['collections', '/network/collections'],
        ['join', '/network/join']]) {
        const res = await page.goto(`${BASE}${path}`, { timeout: WAIT });
        assert.equal(res.status(), 200, `GET ${path}`);
        failures.push(...await audit(t, page, name, width));
      }
    }
  } finally {
    await pub.close();
  }
  assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
});
