// A clinician's whole path through the clinic desk, in headless Chromium, with axe on each page.
//
//   node tests/browser/desk-path.mjs URL DOWNLOAD.pdf [--screenshot FILE.png]
//
// Search "back", pick the handout, type a name, change a dose, watch the preview change,
// download the PDF (saved at DOWNLOAD.pdf for the Python test to read back). The keys do the
// work where a keyboard user would use them. Prints one JSON report; exits 1 on a broken step.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
const shotAt = args.indexOf("--screenshot");
const screenshot = shotAt >= 0 ? args.splice(shotAt, 2)[1] : null;
const [url, download] = args;
const origin = new URL(url).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const report = { steps: [], axe: {}, outside: [], consoleErrors: [] };
const step = (name, detail = {}) => report.steps.push({ name, ...detail });

async function axe(page, name) {
  // evaluated through the DevTools protocol: the page's own CSP stays on for everything else
  await page.evaluate(axeSource);
  report.axe[name] = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      rules: { "target-size": { enabled: true } },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
}

const previewKey = (page) => page.$$eval("#preview img", (imgs) => imgs.map((i) => i.src.length + ":" + i.src.slice(-64)).join("|"));

let failed = null;
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") report.consoleErrors.push(m.text()); });
  await page.route("**/*", (route) => {
    const target = route.request().url();
    // the desk, its own data and blob URLs, and the browser's own PDF viewer: nothing else
    if ([origin, "data:", "blob:", "chrome:", "chrome-extension:"].some((p) => target.startsWith(p))) return route.continue();
    report.outside.push(target);
    return route.abort();
  });

  await page.goto(url, { waitUntil: "load" });
  await axe(page, "desk");

  // keyboard: the first Tab reaches the skip link, and it leads to the desk
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement && document.activeElement.className);
  await page.keyboard.press("Enter");
  const afterSkip = await page.evaluate(() => document.activeElement && document.activeElement.id);
  step("skip link", { first, afterSkip });

  // 1. search "back", by typing and pressing Enter in the search box
  await page.locator("#q").focus();
  await page.keyboard.type("back");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const handouts = await page.$$eval('input[name="handout"]', (boxes) => boxes.map((b) => b.value));
  step("search", { handouts });

  // 2. pick the handout with the space bar
  const title = "Low back pain and your hip flexor muscle";
  const box = page.getByRole("checkbox", { name: new RegExp("^" + title) });
  await box.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(() => /\d/.test(document.querySelector("#preview-status").textContent) && document.querySelectorAll("#preview img").length > 0, null, { timeout: 30000 });
  const pagesAtFirst = await page.locator("#preview img").count();
  step("pick", { checked: await box.isChecked(), pagesAtFirst });

  // 3. the patient's name
  await page.locator("#patient").focus();
  await page.keyboard.type("Ana Díaz-Zebulon");
  await page.locator("#clinician").fill("Dr Lee");
  await page.waitForTimeout(1500);
  await page.waitForFunction(() => !document.querySelector("#preview").hasAttribute("aria-busy"), null, { timeout: 30000 });
  const beforeDose = await previewKey(page);

  // 4. change a dose: the bridge, 4 sets
  const sets = page.locator("#d-h-iliopsoas-back-pain--bridge-sets");
  await sets.focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("4");
  await page.waitForFunction((before) => {
    const imgs = [...document.querySelectorAll("#preview img")].map((i) => i.src.length + ":" + i.src.slice(-64)).join("|");
    return imgs && imgs !== before && !document.querySelector("#preview").hasAttribute("aria-busy");
  }, beforeDose, { timeout: 30000 });
  const afterDose = await previewKey(page);
  const status = await page.locator("#preview-status").textContent();
  step("dose", { changed: beforeDose !== afterDose, status, pages: await page.locator("#preview img").count() });
  await axe(page, "preview");
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: true });
    // where each part starts, so a picture of the page can be cut between them
    report.sections = await page.$$eval("section.part", (parts) => parts.map((p) => Math.round(p.getBoundingClientRect().top + window.scrollY)));
  }

  // 5. download the PDF, from the keyboard
  await page.locator("#download").focus();
  const [file] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  await file.saveAs(download);
  step("download", { file: file.suggestedFilename() });

  // print from the page: the PDF is fetched and printed from a frame, the page stays
  await page.locator("#print").click();
  await page.waitForSelector("#print-frame", { state: "attached", timeout: 30000 });
  const frameSource = await page.getAttribute("#print-frame", "src");
  step("print", { blob: frameSource.startsWith("blob:"), url: page.url() });

  // the page in Spanish, and the API's description
  await page.goto(url + "?ui=es", { waitUntil: "load" });
  step("spanish", { lang: await page.getAttribute("html", "lang"), heading: await page.locator("h1").textContent() });
  await axe(page, "spanish");
  await page.goto(url + "docs", { waitUntil: "load" });
  await axe(page, "docs");
} catch (error) {
  failed = String(error && error.stack || error);
} finally {
  await browser.close();
}
report.failed = failed;
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
process.exit(failed ? 1 : 0);
