// End-to-end check of `storia serve` in Debian's headless Chromium, driven by
// playwright-core (installed by ../shared/site-checks/setup.sh into
// $STORIA_TOOLS_HOME; no browser is downloaded). Run by tests/serve.rs:
//   node tests/browser/serve_e2e.mjs BASE_URL SITE_ROOT
// Opens a digest page, edits its Markdown, and checks the new text is
// patched in (no reload) with the scroll position and an open <details>
// kept, and the search box's text kept through a site-wide edit; breaks the front
// matter and checks the error overlay; fixes it and checks the page; edits a
// stylesheet and checks it is swapped without a reload; restarts on a broken
// site and checks every path shows the overlay until a save fixes it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';

const [storia, root] = process.argv.slice(2);
if (!storia || !root) {
  console.error('usage: node serve_e2e.mjs STORIA_BINARY SITE_ROOT');
  process.exit(2);
}

// A free port, kept across the restart.
const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const p = probe.address().port;
    probe.close(() => resolve(p));
  });
});
const base = `http://127.0.0.1:${port}/`;
async function startServer() {
  const child = spawn(storia, ['serve', '--port', String(port), '--root', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 20000;
  while (!log.includes('serving ')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return child;
}
const digest = path.join(root, 'content/digests/2022/12/2022-12-21-peskov.md');
const edit = (file, from, to) => {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
};
// A quote with its original words: a <details> the reader can open.
edit(digest, '    text: "Speculazioni sciocche."\n', '    text: "Speculazioni sciocche."\n    original: "Глупые домыслы."\n    original_lang: ru\n');
let server = await startServer();
const home = process.env.STORIA_TOOLS_HOME || '/tmp/tools';
const require = createRequire(path.join(home, 'node_modules', 'noop.js'));
const { chromium } = require('playwright-core');

const step = (name) => console.log(`ok: ${name}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 800, height: 300 } });
  const page = await context.newPage();
  const live = () => page.waitForFunction(() => document.documentElement.dataset.storiaLive === 'open');
  await page.goto(`${base}digests/2022-12-21-peskov/`);
  await live();
  step('page open, reload channel connected');

  // An edit shows up without a manual reload, patched into the page where
  // the reader was, the quote's original they opened still open.
  await page.click('details.quote-original summary');
  await page.evaluate(() => { window.scrollTo({ top: 200, behavior: 'instant' }); window.storiaMarker = 1; });
  edit(digest, 'ha parlato.', 'ha parlato dal browser.');
  await page.waitForFunction(() => document.body.innerText.includes('ha parlato dal browser.'));
  await live();
  const y = await page.evaluate(() => window.scrollY);
  if (Math.abs(y - 200) > 2) throw new Error(`scroll position lost: ${y}`);
  if ((await page.evaluate(() => window.storiaMarker)) !== 1) throw new Error('the page reloaded instead of being patched');
  if (!(await page.evaluate(() => document.querySelector('details.quote-original').open))) throw new Error('the open <details> closed');
  step('edit patched in place: scroll and open details kept');

  // The search box keeps what the reader typed while the page is patched.
  await page.goto(`${base}search/`);
  await live();
  await page.fill('#search-input', 'peskov intanto');
  await page.evaluate(() => { window.storiaMarker = 3; });
  edit(path.join(root, 'site.yaml'), 'title: "', 'title: "Nuovo ');
  await page.waitForFunction(() => document.querySelector('header').innerText.includes('Nuovo'));
  if ((await page.inputValue('#search-input')) !== 'peskov intanto') throw new Error('the search box lost its text');
  if ((await page.evaluate(() => window.storiaMarker)) !== 3) throw new Error('the search page reloaded');
  edit(path.join(root, 'site.yaml'), 'title: "Nuovo ', 'title: "');
  await page.waitForFunction(() => !document.querySelector('header').innerText.includes('Nuovo'));
  await page.goto(`${base}digests/2022-12-21-peskov/`);
  await live();
  step('search box text kept');

  // A broken save: the overlay with the terminal's text; the page stays.
  edit(digest, 'title:', 'titel:');
  await page.waitForSelector('#storia-errors[role="alert"]');
  const overlay = await page.textContent('#storia-errors');
  for (const want of ['unknown key `titel`', 'content/digests/2022/12/2022-12-21-peskov.md:2:1', 'did you mean `title`']) {
    if (!overlay.includes(want)) throw new Error(`overlay lacks ${want}: ${overlay}`);
  }
  step('broken front matter shows the overlay');

  // The fix clears it and shows the page.
  edit(digest, 'titel:', 'title:');
  await page.waitForSelector('#storia-errors', { state: 'detached' });
  await page.waitForFunction(() => document.body.innerText.includes('ha parlato dal browser.'));
  await live();
  step('fix clears the overlay');

  // A stylesheet edit is swapped in place: no navigation, new style applied.
  const css = path.join(root, 'static/style.css');
  const theme = fs.readFileSync(path.join(process.cwd(), 'themes/default/static/style.css'), 'utf8');
  fs.mkdirSync(path.dirname(css), { recursive: true });
  const before = await page.evaluate(() => document.querySelector('script[src="/__storia/reload.js"]').dataset.version);
  fs.writeFileSync(css, theme);
  await page.waitForFunction((v) => document.querySelector('script[src="/__storia/reload.js"]').dataset.version !== v, before);
  await live();
  await page.evaluate(() => { window.storiaMarker = 2; });
  fs.writeFileSync(css, theme + '\nbody { outline: 7px solid rgb(1, 2, 3); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)');
  if ((await page.evaluate(() => window.storiaMarker)) !== 2) throw new Error('the page reloaded for a CSS edit');
  step('stylesheet swapped without a reload');

  // The server goes away; an edit is made meanwhile; it comes back.
  server.kill();
  await once(server, 'exit');
  edit(digest, 'ha parlato dal browser.', 'ha parlato dopo il riavvio.');
  server = await startServer();
  await page.waitForFunction(() => document.body.innerText.includes('ha parlato dopo il riavvio.'), null, { timeout: 15000 });
  await live();
  step('reconnected after a restart and showed the edit');

  // Started on a site that does not build: the overlay on any path, and
  // the page reloads by itself once a save fixes the site.
  server.kill();
  await once(server, 'exit');
  edit(digest, 'title:', 'titel:');
  server = await startServer();
  await page.waitForSelector('#storia-errors[role="alert"]', { timeout: 15000 });
  const first = await page.textContent('#storia-errors');
  for (const want of ['does not build yet', 'unknown key `titel`']) {
    if (!first.includes(want)) throw new Error(`overlay lacks ${want}: ${first}`);
  }
  await page.goto(`${base}no/such/page/`);
  await page.waitForSelector('#storia-errors[role="alert"]');
  await page.goto(`${base}digests/2022-12-21-peskov/`);
  await page.waitForSelector('#storia-errors[role="alert"]');
  await live();
  edit(digest, 'titel:', 'title:');
  await page.waitForFunction(() => document.body.innerText.includes('ha parlato dopo il riavvio.'), null, { timeout: 15000 });
  await page.waitForSelector('#storia-errors', { state: 'detached' });
  step('started broken: overlay everywhere, page back once fixed');
  await page.screenshot({ path: path.join(os.tmpdir(), 'storia-serve-e2e.png') });
} finally {
  await browser.close();
  server.kill();
}
