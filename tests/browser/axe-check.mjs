// Open psoaspdf HTML pages in headless Chromium, run axe-core on each, print one JSON report.
//
//   node tests/browser/axe-check.mjs [--screenshots DIR] [--pdf DIR] page.html...
//
// Every request that leaves the file (http, https, ...) is blocked and reported: the page must
// be self-contained. axe runs twice per page, as shown on screen and as printed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
let shots = null;
let pdfs = null; // Chromium's "print to PDF" of each page, as a reader would print it
while (args[0] === "--screenshots" || args[0] === "--pdf") {
  if (args[0] === "--screenshots") shots = args[1];
  else pdfs = args[1];
  args.splice(0, 2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const pages = [];
try {
  for (const file of args) {
    const page = await browser.newPage({ viewport: { width: 412, height: 900 } });
    const outside = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      outside.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready);
    const fontLoaded = await page.evaluate(() => document.fonts.check('16px "Handout"'));
    await page.addScriptTag({ content: axeSource });
    const run = () =>
      page.evaluate(async () => {
        // every WCAG 2.0-2.2 A and AA rule and axe's best practices, with the rules axe ships
        // turned off that WCAG 2.2 AA needs (target-size: 24 px targets, SC 2.5.8)
        const result = await window.axe.run(document, {
          runOnly: {
            type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
          },
          rules: { "target-size": { enabled: true } },
          resultTypes: ["violations"],
        });
        return result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
        }));
      });
    const screen = await run();
    if (shots) {
      await page.screenshot({ path: join(shots, basename(file) + ".png"), fullPage: true });
    }
    await page.emulateMedia({ media: "print" });
    const print = await run();
    if (pdfs) {
      await page.pdf({ path: join(pdfs, basename(file) + ".pdf"), format: "Letter", printBackground: true });
    }
    pages.push({ file, fontLoaded, outside, violations: { screen, print } });
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ pages }, null, 2) + "\n");
