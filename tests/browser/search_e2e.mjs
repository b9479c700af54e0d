// The search page in Debian's headless Chromium (playwright-core and
// axe-core from $STORIA_TOOLS_HOME; no browser is downloaded). Run by
// tests/search.rs on the site it builds there (a summit, twelve digests
// mentioning António Guterres, one by Ida Artiaco):
//   node tests/browser/search_e2e.mjs SITE_OUTPUT_DIR
// Checks that a misspelt name finds him, with the matched words marked,
// kinds, dates, bylines and tags shown; that ten results come first and
// "more" shows the rest; that a query fetches only the files it needs; and
// that the results page has no axe violation, light and dark, at 390 and
// 1280 px.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { serveStatic, launchChromium } from './static_server.mjs';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node search_e2e.mjs SITE_OUTPUT_DIR');
  process.exit(2);
}
const home = process.env.STORIA_TOOLS_HOME || '/tmp/tools';
const require = createRequire(path.join(home, 'node_modules', 'noop.js'));
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const server = await serveStatic(out);
const browser = await launchChromium(require);
const step = (name) => console.log(`ok: ${name}`);
const fail = (message) => { throw new Error(message); };

async function query(page, q) {
  await page.fill('#search-input', q);
  await page.waitForFunction((text) => document.getElementById('search-status').textContent.includes(text), `«${q}»`);
  await page.waitForLoadState('networkidle');
}

const results = (page) => page.$$eval('#search-results > li', (items) => items.map((li) => ({
  kind: li.querySelector('.search-kind')?.textContent,
  title: li.querySelector('.search-title')?.textContent,
  href: li.querySelector('.search-title')?.getAttribute('href'),
  titleMarks: [...li.querySelectorAll('.search-title mark')].map((m) => m.textContent),
  time: li.querySelector('.search-meta time')?.getAttribute('datetime'),
  timeText: li.querySelector('.search-meta time')?.textContent,
  by: li.querySelector('.search-by')?.textContent,
  byMarks: [...li.querySelectorAll('.search-by mark')].map((m) => m.textContent),
  snippet: li.querySelector('.search-snippet')?.textContent,
  snippetMarks: [...li.querySelectorAll('.search-snippet mark')].map((m) => m.textContent),
  also: li.querySelector('.search-also')?.textContent,
  alsoMarks: [...li.querySelectorAll('.search-also mark')].map((m) => m.textContent),
})));

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const fetched = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith('/search/') && p.endsWith('.json')) fetched.push(p.slice('/search/'.length));
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.base}/search/`);

  // A misspelt name: the actor first, every digest, the quote; ten shown.
  await query(page, 'gutteres');
  const status = await page.textContent('#search-status');
  if (status !== 'Risultati per «gutteres»: 14') fail(`status: ${status}`);
  let shown = await results(page);
  if (shown.length !== 10) fail(`${shown.length} results shown, not 10`);
  const actor = shown[0];
  if (actor.kind !== 'Attore' || actor.title !== 'António Guterres' || actor.href !== '/actors/guterres/'
    || actor.titleMarks.join() !== 'Guterres' || actor.snippet !== 'Segretario generale delle Nazioni Unite') {
    fail(`first result: ${JSON.stringify(actor)}`);
  }
  step('a misspelt name finds the actor first, the name marked');

  const digest = shown[1];
  if (digest.kind !== 'Digest' || digest.title !== 'Giorno 21 del vertice' || digest.time !== '2025-11-21'
    || digest.timeText !== '21 novembre 2025' || digest.snippetMarks.join() !== 'Guterres'
    || !digest.snippet.startsWith('Chiusura del vertice') || !digest.by.includes('Ida Artiaco')) {
    fail(`digest result: ${JSON.stringify(digest)}`);
  }
  step('digests show kind, date, byline and a snippet with the word marked');

  // Only the files the query needs: its letter's words, its postings
  // group, the one chunk of documents.
  const needed = ['index.json', 'words/g.json', 'postings/gu.json', 'docs/0.json'];
  if (JSON.stringify([...new Set(fetched)].sort()) !== JSON.stringify(needed.sort())) {
    fail(`fetched ${JSON.stringify(fetched)}`);
  }
  step('only the files the query needs are fetched');

  // More results: the other four, then no button.
  if (!(await page.isVisible('#search-more'))) fail('no "more results" button');
  await page.click('#search-more');
  await page.waitForFunction(() => document.querySelectorAll('#search-results > li').length === 14);
  if (await page.isVisible('#search-more')) fail('the button stays after the last result');
  shown = await results(page);
  const quote = shown[13];
  if (quote.kind !== 'Citazione' || quote.title !== 'António Guterres' || quote.time !== '2025-11-20'
    || quote.href !== '/digests/2025-11-21-giorno/#q-guterres-tempo') {
    fail(`last result: ${JSON.stringify(quote)}`);
  }
  step('"more results" shows the rest, the quote last');

  // Why an author's or a tag's digest matched.
  await query(page, 'artiaco');
  shown = await results(page);
  if (shown.length !== 1 || shown[0].byMarks.join() !== 'Artiaco') fail(`byline: ${JSON.stringify(shown)}`);
  await query(page, 'perdite');
  shown = await results(page);
  if (shown.length !== 1 || !shown[0].also.includes('Fondo perdite e danni') || shown[0].alsoMarks.join() !== 'perdite') {
    fail(`tags: ${JSON.stringify(shown)}`);
  }
  await query(page, 'zzzz');
  if (await page.textContent('#search-status') !== 'Nessun risultato per «zzzz».') fail('no "no results"');
  step('bylines and tags show when they matched');

  // Accessible with results shown, in both schemes and both widths.
  for (const scheme of ['light', 'dark']) {
    for (const width of [390, 1280]) {
      const view = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const p = await view.newPage();
      await p.goto(`${server.base}/search/?q=guterres`);
      await p.waitForFunction(() => document.querySelectorAll('#search-results mark').length > 0);
      await p.addScriptTag({ content: axeSource });
      const found = await p.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      if (found.length) fail(`axe, ${scheme} ${width}px: ${found.join('; ')}`);
      const wide = await p.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width) fail(`${scheme} ${width}px: the page scrolls sideways (${wide}px)`);
      await view.close();
    }
  }
  step('no axe violation with results, light and dark, 390 and 1280 px');
  if (errors.length) fail(`console errors: ${errors.join('; ')}`);
  step('no console errors');
} finally {
  await browser.close();
  server.close();
}
