// How much one search query downloads, measured in a real browser: serves a
// built site, opens its search page with `?q=QUERY` in Debian's headless
// Chromium (playwright-core from $STORIA_TOOLS_HOME, as the site checks
// use), waits until the results are shown and the network is idle, and adds
// up the search files the page fetched, raw and gzip-compressed (level 6, as
// web servers usually send them). Each query starts with an empty cache.
//
//   node benches/search_size.mjs SITE_DIR QUERY...
//   node benches/search_size.mjs public/ "muller" "yevgeny muller" "accordo"
//
// Prints one line per query (files, raw KB, gzip KB, results shown) and the
// range over all queries. docs/performance.md has the figures.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { serveStatic, launchChromium } from '../tests/browser/static_server.mjs';

const [dir, ...queries] = process.argv.slice(2);
if (!dir || queries.length === 0) {
  console.error('usage: node benches/search_size.mjs SITE_DIR QUERY...');
  process.exit(2);
}
const home = process.env.STORIA_TOOLS_HOME || '/tmp/tools';
const require = createRequire(path.join(home, 'node_modules', 'noop.js'));
const server = await serveStatic(dir);
const base = server.base;
const browser = await launchChromium(require);
const totals = [];
try {
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const fetched = new Set();
    page.on('response', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.includes('/search/') && p.endsWith('.json') && r.status() === 200) fetched.add(p);
    });
    await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => {
      const s = document.getElementById('search-status');
      return s && s.textContent !== s.getAttribute('data-hint') && s.textContent.trim() !== '';
    }, null, { timeout: 60000 });
    await page.waitForLoadState('networkidle');
    const shown = await page.locator('#search-results > li').count();
    let raw = 0;
    let gz = 0;
    for (const p of fetched) {
      const bytes = fs.readFileSync(path.join(dir, p));
      raw += bytes.length;
      gz += zlib.gzipSync(bytes, { level: 6 }).length;
    }
    totals.push(gz);
    if (process.env.LIST) console.log([...fetched].map((p) => `${p} ${fs.statSync(path.join(dir, p)).size}`).join("\n"));
    console.log(`${JSON.stringify(q).padEnd(24)} ${String(fetched.size).padStart(3)} files  ${(raw / 1024).toFixed(1).padStart(7)} KB raw  ${(gz / 1024).toFixed(1).padStart(6)} KB gzip  ${shown} results shown`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`gzip per query: ${(Math.min(...totals) / 1024).toFixed(1)}-${(Math.max(...totals) / 1024).toFixed(1)} KB over ${totals.length} queries`);
