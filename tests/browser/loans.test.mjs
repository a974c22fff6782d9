// Loans and travelling exhibitions in a real browser (Debian's Chromium
// through playwright-core), against the server tests/browser/run.sh starts:
// the secretariat, made with `vcm user add`, takes a loan from the National
// Palace Museum to a second member from request to return through every
// step's form, then builds a two-venue travelling exhibition whose second
// venue shows a different object list from the first, sees the conflict of
// the object both venues share, and makes the first venue's loans. Every
// new page is audited with axe (nothing serious or critical) at 390 and
// 1280 px and photographed (loans-NAME-WIDTH.png in VCM_BROWSER_OUT).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { WAIT, launchChromium } from './browser.mjs';

const BASE = process.env.VCM_BROWSER_BASE;
const OUT = process.env.VCM_BROWSER_OUT;
const VCM = process.env.VCM_BROWSER_VCM;
const DB = process.env.VCM_BROWSER_DB;
const TEST = { timeout: 300_000 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'Lacquered-screen-3141';

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
  const shot = join(OUT, `loans-${name}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  return bad.map((v) => `${name} at ${width} px: ${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map((n) => n.target.join(' ')).join(', '));
}

async function submit(page, form, url) {
  await Promise.all([page.waitForURL(url, { timeout: WAIT }),
    page.locator(`${form} button[type=submit]`).click()]);
}

before(async () => {
  assert.ok(BASE && OUT && VCM && DB, 'run through sh tests/browser/run.sh');
  browser = await launchChromium();
  // two more members to lend to, in partner countries
  const csv = join(OUT, 'loans-museums.csv');
  writeFileSync(csv, 'name_en,country_code,city,website\n' +
    'Weltmuseum Wien,AT,Vienna,\nMusee Guimet,FR,Paris,\nNational Museum of Korea,KR,Seoul,\n');
  const partners = join(OUT, 'loans-partners.csv');
  writeFileSync(partners, 'iso2,name_en,asem_group,joined\n' +
    'AT,Austria,Europe,1996\nFR,France,Europe,1996\nKR,Republic of Korea,Asia,1996\n');
  vcm('network', 'load', partners, csv);
});

after(async () => {
  await browser?.close();
});

test('a loan from request to return, and a two-venue travelling exhibition', TEST, async (t) => {
  const email = 'secretariat-loans@example.org';
  vcm('user', 'add', email, 'Secretariat', 'secretariat');
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const failures = [];
  const pages = [];
  try {
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

    // the request
    await page.goto(`${BASE}/network/loans`, { timeout: WAIT });
    pages.push(['loans', '/network/loans']);
    await page.getByLabel('Lending museum').selectOption({ label: 'National Palace Museum' }).catch(async () => {
      const opt = await page.locator('#l-lender option', { hasText: 'National Palace Museum' }).first().getAttribute('value');
      await page.getByLabel('Lending museum').selectOption(opt);
    });
    await page.getByLabel('Borrowing museum').selectOption({ label: 'Weltmuseum Wien' });
    await page.getByLabel('Reason for the loan').fill('Jades of the Qing court');
    await page.getByLabel('First day').fill('2031-03-01');
    await page.getByLabel('Last day').fill('2031-06-30');
    await page.getByLabel('Venue').fill('Gallery 3');
    await page.getByLabel('Objects', { exact: true }).fill('古玉3888 | jade\nNPM-LOAN-2');
    await submit(page, '#loan-request', /\/network\/loans\/\d+$/);
    const loanPath = new URL(page.url()).pathname;
    pages.push(['loan', loanPath]);
    assert.match(await page.locator('#loan-state').innerText(), /Requested/);

    // every step, each with the information it needs
    const steps = [
      ['assessment', {}, /Under assessment/],
      ['agreement', { assessment: 'fit to travel', conditions: '50% RH, 20 C', insurance: 'state indemnity' }, /Agreed/],
      ['condition_check_out', { condition_out: 'stable, photographed' }, /Condition checked out/],
      ['in_transit', { courier_out: 'the registrar' }, /In transit/],
      ['on_display', { arrival: 'as on departure' }, /On display/],
      ['condition_check_in', { courier_in: 'the registrar' }, /Condition checked in/],
      ['returned', { condition_in: 'stable' }, /Returned/],
    ];
    // a step without its information is refused beside the field, and nothing moves
    await submit(page, '#step-assessment', new RegExp(`${loanPath}$`));
    await submit(page, '#step-agreement', new RegExp(`${loanPath}/step$`));
    assert.match(await page.locator('#step-agreement').innerText(), /This step needs this information/);
    assert.match(await page.locator('#loan-state').innerText(), /Under assessment/);
    for (const [to, fields, want] of steps.slice(1)) {
      for (const [name, value] of Object.entries(fields))
        await page.locator(`#f-${to}-${name}`).fill(value);
      await submit(page, `#step-${to}`, new RegExp(`${loanPath}$`));
      assert.match(await page.locator('#loan-state').innerText(), want);
    }
    assert.equal(await page.locator('form[id^=step-]').count(), 0, 'a returned loan takes no further step');
    assert.match(await page.locator('main').innerText(), /Condition checked in/);

    // a travelling exhibition with two venues and different object lists
    await page.goto(`${BASE}/network/exhibitions`, { timeout: WAIT });
    await page.getByLabel('Title').fill('Self and Other');
    await page.getByLabel('Curators').fill('A. Curator, B. Curator');
    await submit(page, '#exhibition-new', /\/network\/exhibitions\/\d+\/edit$/);
    const editPath = new URL(page.url()).pathname;
    const exPath = editPath.replace(/\/edit$/, '');
    for (const [museum, city, start, end] of [['Weltmuseum Wien', 'Vienna', '2032-03-01', '2032-06-30'],
      ['Musee Guimet', 'Paris', '2032-06-15', '2032-09-30']]) {
      await page.getByLabel('Host museum').selectOption({ label: museum });
      await page.getByLabel('City').fill(city);
      await page.locator('#v-start').fill(start);
      await page.locator('#v-end').fill(end);
      await submit(page, '#venue-new', new RegExp(`${editPath}$`));
    }
    const npm = await page.locator('#o-lender-1 option', { hasText: 'National Palace Museum' }).first().getAttribute('value');
    await page.locator('#o-lender-1').selectOption(npm);
    await page.locator('#o-list-1').fill('SO-1 | bronze mirror\nSO-2 | celadon bowl');
    await submit(page, '#objects-1', new RegExp(`${editPath}$`));
    await page.locator('#o-lender-2').selectOption(npm);
    await page.locator('#o-list-2').fill('SO-1 | bronze mirror\nSO-3 | lacquer box');
    await submit(page, '#objects-2', new RegExp(`${editPath}$`));
    // the mirror is at both venues from 15 to 30 June: shown before any booking
    assert.match(await page.locator('.conflicts').innerText(), /bronze mirror is also at venue 2/);
    pages.push(['exhibition-edit', editPath]);
    await submit(page, '#loans-1', /\?done=loans$/);
    assert.match(await page.locator('main').innerText(), /The venue's loans were made/);

    const v1 = await (await page.goto(`${BASE}${exPath}/venues/1`, { timeout: WAIT })).text();
    const list1 = await page.locator('.venue-objects').innerText();
    await page.goto(`${BASE}${exPath}/venues/2`, { timeout: WAIT });
    const list2 = await page.locator('.venue-objects').innerText();
    assert.ok(v1.length > 0);
    assert.match(list1, /celadon bowl/);
    assert.doesNotMatch(list1, /lacquer box/);
    assert.match(list2, /lacquer box/);
    assert.doesNotMatch(list2, /celadon bowl/);
    pages.push(['exhibitions', '/network/exhibitions'], ['exhibition', exPath],
      ['venue', `${exPath}/venues/2`], ['exchange', '/network/exchange'],
      ['exchange-new', '/network/exchange/new']);

    // the exchange programme: an offer in Korea, a request in Austria, matched
    for (const [museum, kind, side, topic, langs] of [
      ['National Museum of Korea', 'offer', 'host', 'Family education programmes', 'en, ko'],
      ['Weltmuseum Wien', 'request', 'home', 'Education programmes for families', 'de, en']]) {
      await page.goto(`${BASE}/network/exchange/new`, { timeout: WAIT });
      await page.getByLabel('Museum', { exact: true }).selectOption({ label: museum });
      await page.locator(kind === 'offer' ? '#e-offer' : '#e-request').check();
      await page.locator(side === 'host' ? '#e-host' : '#e-home').check();
      await page.getByLabel('Kind').selectOption('education');
      await page.getByLabel('Topic').fill(topic);
      await page.getByLabel('Skills (separated by commas)').fill('education, outreach');
      await page.getByLabel('Languages (separated by commas)').fill(langs);
      await page.locator('#e-start').fill('2033-04-01');
      await page.locator('#e-end').fill('2033-05-31');
      await submit(page, '#exchange-post', /\/network\/exchange\/\d+$/);
    }
    const matchPath = new URL(page.url()).pathname;
    const row = page.locator('tbody tr', { hasText: 'Family education programmes' });
    assert.match(await row.innerText(), /20\/20/); // a language in common, shown as a part
    pages.push(['exchange-match', matchPath]);
    // with its candidate shown (once agreed, both posts close)
    failures.push(...await audit(t, page, 'exchange-match-open', 1280));
    await Promise.all([page.waitForURL(/\/network\/exchange\/placements\/\d+$/, { timeout: WAIT }),
      row.getByRole('button', { name: 'Agree a placement' }).click()]);
    const placementPath = new URL(page.url()).pathname;
    await page.getByLabel('Report').fill('Two weeks with the education team.');
    await submit(page, '#report-new', new RegExp(`${placementPath}$`));
    assert.match(await page.locator('main').innerText(), /Two weeks with the education team/);
    pages.push(['placement', placementPath]);

    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, path] of pages) {
        await page.goto(`${BASE}${path}`, { timeout: WAIT });
        failures.push(...await audit(t, page, name, width));
      }
    }
  } finally {
    await ctx.close();
  }
  assert.equal(failures.length, 0, `serious or critical axe findings:\n${failures.join('\n')}`);
});
