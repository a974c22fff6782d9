// What the page tests share: how long they wait, and Debian's Chromium
// started headless through playwright-core. Not a test file itself (node
// --test runs only *.test.mjs).
//
// launch() gives the browser a fresh --user-data-dir of its own, made under
// TMPDIR (run.sh points that into its temporary folder) and removed on
// close; a persistent profile would allow only one context, and the tests
// without JavaScript need a second.
import { chromium } from 'playwright-core';

export const WAIT = 30_000;

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: WAIT,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
