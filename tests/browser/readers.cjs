// Reader pages in a real browser: Debian's chromium driven by playwright-core (nothing is
// downloaded). For each page and viewport: no horizontal overflow, no console error, no failed
// request; a screenshot of each. Then a search typed into the form finds the given post.
//
//   node readers.cjs <base-url> <screenshot-dir> <json: {pages:[{name,path}], search:{word, expectPath}}>
//
// Prints one JSON report on stdout; exits 1 if any check failed, 2 on bad usage or no browser.
'use strict';
const { chromium } = require('playwright-core');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

function chromiumPath() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

async function main() {
  const [base, shots, specJson] = process.argv.slice(2);
  if (!base || !shots || !specJson) {
    console.error('usage: node readers.cjs <base-url> <screenshot-dir> <spec-json>');
    process.exit(2);
  }
  const spec = JSON.parse(specJson);
  const executablePath = chromiumPath();
  if (!executablePath || !fs.existsSync(executablePath)) {
    console.error('chromium not found: install it (apt-get install chromium) or set CHROME_PATH');
    process.exit(2);
  }
  fs.mkdirSync(shots, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'actorblog-chromium-'));
  // A persistent context on a fresh profile folder: the project's launch flags, the folder ours to remove.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const failures = [];
  const report = { pages: [], search: [] };
  try {
    for (const viewport of VIEWPORTS) {
      for (const page of spec.pages) {
        const tab = await context.newPage();
        await tab.setViewportSize({ width: viewport.width, height: viewport.height });
        const problems = [];
        tab.on('console', (m) => {
          // The 404 page is a 404 on purpose; chromium reports its status as a console error.
          if (m.type() === 'error' && !(page.status === 404 && /status of 404/.test(m.text()))) problems.push(`console: ${m.text()}`);
        });
        tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
        tab.on('response', (r) => {
          if (r.status() >= 400 && !(page.status === 404 && r.url() === new URL(page.path, base).href)) problems.push(`HTTP ${r.status()}: ${r.url()}`);
        });
        const response = await tab.goto(new URL(page.path, base).href, { waitUntil: 'load' });
        const expected = page.status || 200;
        if (response.status() !== expected) problems.push(`status ${response.status()}, expected ${expected}`);
        const widths = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        if (widths.scroll > widths.client) problems.push(`horizontal overflow: content ${widths.scroll}px wide in a ${widths.client}px viewport`);
        const file = path.join(shots, `${viewport.name}-${page.name}.png`);
        await tab.screenshot({ path: file, fullPage: true });
        report.pages.push({ viewport: viewport.name, page: page.name, path: page.path, widths, screenshot: file, problems });
        for (const p of problems) failures.push(`${viewport.name} ${page.name} (${page.path}): ${p}`);
        await tab.close();
      }
      if (spec.search) {
        const tab = await context.newPage();
        await tab.setViewportSize({ width: viewport.width, height: viewport.height });
        const errors = [];
        tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        await tab.goto(new URL('/search', base).href);
        await tab.getByLabel('Words to find').fill(spec.search.word);
        await Promise.all([tab.waitForURL(/\/search\?q=/), tab.getByRole('button', { name: 'Search' }).click()]);
        const links = await tab.locator('.search-results h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        const marked = await tab.locator('.search-results mark').allTextContents();
        const file = path.join(shots, `${viewport.name}-search-results.png`);
        await tab.screenshot({ path: file, fullPage: true });
        const found = links.includes(spec.search.expectPath);
        report.search.push({ viewport: viewport.name, links, marked, screenshot: file, errors });
        if (!found) failures.push(`${viewport.name} search for "${spec.search.word}": ${spec.search.expectPath} not among ${JSON.stringify(links)}`);
        if (!marked.some((t) => t.toLowerCase().includes(spec.search.word.toLowerCase()))) failures.push(`${viewport.name} search: no <mark> with the word, got ${JSON.stringify(marked)}`);
        for (const e of errors) failures.push(`${viewport.name} search: console: ${e}`);
        await tab.close();
      }
    }
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  report.failures = failures;
  console.log(JSON.stringify(report, null, 2));
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
