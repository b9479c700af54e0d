// axe-core on one page of every kind of a built site, light and dark, at
// 390 and 1280 px, in Debian's headless Chromium (the shared a11y.sh checks
// the light scheme; this adds the dark one and the search page with
// results). Also fails when a page scrolls sideways or its masthead is
// taller than 120 px on a phone.
//   node tests/browser/schemes_a11y.mjs SITE_OUTPUT_DIR [SHOT_DIR]
// With SHOT_DIR, saves the top of each page in each scheme and width.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { serveStatic, launchChromium } from './static_server.mjs';

const [out, shots] = process.argv.slice(2);
if (!out) {
  console.error('usage: node schemes_a11y.mjs SITE_OUTPUT_DIR [SHOT_DIR]');
  process.exit(2);
}
const home = process.env.STORIA_TOOLS_HOME || '/tmp/tools';
const require = createRequire(path.join(home, 'node_modules', 'noop.js'));
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// One page of each kind, found from the site itself: the home page's
// navigation links every list; of each list's items the largest page is
// taken (charts, quotes); the footer links the plain pages; actor pages
// link the network; the language switcher, each language's home.
function pagesOf(dir) {
  const pages = new Set(['/', '/404.html', '/search/']);
  const read = (url) => {
    const file = path.join(dir, url, url.endsWith('/') ? 'index.html' : '');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  };
  const links = (html) => [...html.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]);
  const html = read('/');
  const nav = html.match(/<nav class="site-nav"[\s\S]*?<\/nav>/);
  const footer = html.match(/<nav class="footer-nav"[\s\S]*?<\/nav>/);
  if (footer && links(footer[0])[0]) pages.add(links(footer[0])[0]);
  // A multilingual site's other homes (their labels are longer or shorter).
  const languages = html.match(/<nav class="lang-nav site-languages"[\s\S]*?<\/nav>/);
  for (const home of languages ? links(languages[0]) : []) pages.add(home);
  for (const list of nav ? links(nav[0]) : []) {
    if (list === '/search/') continue;
    pages.add(list);
    const main = read(list).split('<main')[1] || '';
    const items = links(main).filter((u) => u.startsWith(list) && u !== list && u.endsWith('/')
      && !u.includes('/page/') && !u.includes('/sort/'));
    const largest = items.sort((a, b) => read(b).length - read(a).length)[0];
    if (largest) {
      pages.add(largest);
      const network = links(read(largest)).find((u) => u.endsWith('/network/'));
      if (network) pages.add(network);
    }
  }
  return [...pages];
}

const pages = pagesOf(out);
const server = await serveStatic(out);
const browser = await launchChromium(require);
let failures = 0;
try {
  for (const scheme of ['light', 'dark']) {
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      for (const url of pages) {
        const search = url === '/search/';
        await page.goto(server.base + url + (search ? '?q=a' : ''), { waitUntil: 'networkidle' });
        if (search) {
          await page.waitForFunction(() => {
            const s = document.getElementById('search-status');
            return s.textContent !== s.getAttribute('data-hint');
          });
        }
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
          .map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
        const [wide, masthead] = await page.evaluate(() => [
          document.documentElement.scrollWidth,
          document.querySelector('.masthead')?.getBoundingClientRect().height || 0,
        ]);
        const problems = [...violations];
        if (wide > width) problems.push(`scrolls sideways: ${wide}px`);
        if (width === 390 && masthead > 120) problems.push(`masthead ${Math.round(masthead)}px tall`);
        console.log(`${problems.length ? 'FAIL' : 'ok'}: ${scheme} ${width}px ${url}${problems.length ? ': ' + problems.join('; ') : ''}`);
        failures += problems.length ? 1 : 0;
        if (shots) {
          fs.mkdirSync(shots, { recursive: true });
          const name = `${(url.replace(/[^a-z0-9]+/gi, '_') || 'home')}.${width}.${scheme}.png`;
          await page.screenshot({ path: path.join(shots, name) });
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`schemes_a11y: ${pages.length} pages x 2 schemes x 2 widths, ${failures} failing — ${failures ? 'FAIL' : 'PASS'}`);
process.exit(failures ? 1 : 0);
