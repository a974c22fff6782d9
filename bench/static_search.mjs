// Part 9's browser: headless Chromium (playwright-core) runs each query
// on the static search page served by a plain file server, and prints the
// bytes it fetched (bodies and headers, from the browser's own counts):
// "cold" in a fresh browser context (an empty cache: the first query of a
// visitor), "warm" the same query again in a context that has run every
// other query before (the cache answers what it can: unchanged files
// revalidated cost their headers).
//   node bench/static_search.mjs BASE QUERY...   (one TSV line a query)
import { chromium } from 'playwright-core';

const [base, ...queries] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function run(context, q) {
  const page = await context.newPage();
  let bytes = 0, files = 0;
  page.on('requestfinished', async (req) => {
    if (!req.url().includes('/search/') || req.url().includes('index.html') || req.url().endsWith('/search/') || req.url().includes('?')) return;
    const s = await req.sizes();
    bytes += s.responseBodySize + s.responseHeadersSize;
    files++;
  });
  const t0 = Date.now();
  await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#static-search[data-done], #static-search[data-error]', { timeout: 60_000 });
  const ms = Date.now() - t0;
  const err = await page.getAttribute('#static-search', 'data-error');
  const total = await page.getAttribute('#static-search', 'data-total');
  await page.waitForTimeout(100);
  await page.close();
  if (err) throw new Error(`${q}: ${err}`);
  return { bytes, files, ms, total };
}

const warm = await browser.newContext();
for (const q of queries) await run(warm, q);
for (const q of queries) {
  const cold = await browser.newContext();
  const c = await run(cold, q);
  await cold.close();
  const w = await run(warm, q);
  console.log([q, c.total, c.bytes, c.files, c.ms, w.bytes, w.files].join('\t'));
}
await browser.close();
