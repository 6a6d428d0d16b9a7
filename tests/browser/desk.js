// The author's desk in a real browser (Debian chromium, driven by playwright-core; nothing downloaded).
// Run by tests/ActorBlog.Host.Tests/DeskBrowserTests.cs against the real host:
//   BASE_URL, TOKEN, IMAGE (a file for the upload form), DROP_IMAGE (a PNG to drop on the text),
//   ARTIFACTS (where screenshots go), CHROMIUM (the browser binary).
// Each step prints one line; the first failure exits 1 naming the step.
"use strict";

const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const base = process.env.BASE_URL;
const token = process.env.TOKEN;
const artifacts = process.env.ARTIFACTS;
const timeout = 30_000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, fn) {
  try {
    const result = await fn();
    console.log(`ok   ${name}`);
    return result;
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message.split("\n")[0]}`);
    throw e;
  }
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(artifacts, name), fullPage });
}

// A small viewport-only picture for the README (docs/), beside the full-page artifacts.
async function docShot(page, name, selector) {
  await page.setViewportSize({ width: 960, height: 720 });
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: "start" }), selector);
  await page.screenshot({ path: path.join(artifacts, name) });
  await page.setViewportSize({ width: 1100, height: 900 });
}

async function imageLoaded(page, selector) {
  await page.waitForFunction((s) => {
    const img = document.querySelector(s);
    return img && img.complete && img.naturalWidth > 0;
  }, selector, { timeout });
  return page.$eval(selector, (img) => ({ src: img.currentSrc, width: img.naturalWidth }));
}

(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  // A fresh profile each run (playwright takes it as the persistent context's directory).
  const profile = fs.mkdtempSync(path.join(require("os").tmpdir(), "actorblog-desk-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const browser = { close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
  const cspErrors = [];
  context.setDefaultTimeout(timeout);
  const page = context.pages()[0] ?? await context.newPage();
  page.on("console", (m) => { if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text()); });
  let postUrl;

  try {
    await step("an unsigned visit to /desk lands on the sign-in form", async () => {
      await page.goto(`${base}/desk`);
      check(new URL(page.url()).pathname === "/desk/sign-in", `landed on ${page.url()}`);
      await page.getByLabel("Author token").waitFor();
    });

    await step("a wrong token is refused with a message tied to the field", async () => {
      await page.getByLabel("Author token").fill("not-the-token");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "not the author token" }).waitFor();
      check(await page.getByLabel("Author token").getAttribute("aria-invalid") === "true", "the field is not marked invalid");
    });

    await step("signing in by keyboard alone: Tab to the field, type, Enter", async () => {
      await page.goto(`${base}/desk/sign-in`);
      await page.locator("body").focus();
      let focused = "";
      for (let i = 0; i < 6 && focused !== "token"; i++) {
        await page.keyboard.press("Tab");
        focused = await page.evaluate(() => document.activeElement?.id ?? "");
      }
      check(focused === "token", "Tab never reached the token field");
      await page.keyboard.type(token);
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Posts", exact: true }).waitFor();
      check(new URL(page.url()).pathname === "/desk", `after sign-in: ${page.url()}`);
    });

    await step("write a post and upload an image with the form; the script inserts it", async () => {
      await page.getByRole("link", { name: "New post" }).first().click();
      await page.getByLabel("Title").fill("A walk by the sea");
      await page.getByLabel(/Tags/).fill("walks, photos");
      await page.getByLabel("Text (Markdown)").fill("We walked along the shore.\n\n");
      await page.getByLabel(/Upload an image/).setInputFiles(process.env.IMAGE);
      await page.getByRole("button", { name: "Upload", exact: true }).click();
      await page.waitForFunction(() => /!\[[^\]]*\]\(\/media\/\d+\/[a-z0-9-]+\.jpg\)/.test(document.getElementById("markdown").value), null, { timeout });
    });

    await step("drop a second image on the text: uploaded and inserted at the cursor", async () => {
      const bytes = fs.readFileSync(process.env.DROP_IMAGE).toString("base64");
      const transfer = await page.evaluateHandle((b64) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], "Dropped Picture.png", { type: "image/png" }));
        return dt;
      }, bytes);
      await page.dispatchEvent("#markdown", "drop", { dataTransfer: transfer });
      await page.waitForFunction(() => document.getElementById("markdown").value.includes("/dropped-picture.png)"), null, { timeout });
      await page.getByLabel("Text (Markdown)").press("End");
      await page.keyboard.type("\nThe end of a *good* day.");
    });

    await step("the live preview renders the markdown and loads the image", async () => {
      await page.locator("#preview em", { hasText: "good" }).waitFor();
      const img = await imageLoaded(page, "#preview img");
      check(img.src.includes("/media/"), `preview image from ${img.src}`);
      await shot(page, "desk-editor.png");
      await docShot(page, "docs-desk-editor.png", "#markdown");
    });

    await step("save as draft, then publish", async () => {
      await page.getByRole("button", { name: "Save draft" }).click();
      await page.getByRole("status").filter({ hasText: "Saved as a draft" }).waitFor();
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByRole("status").filter({ hasText: "Published" }).waitFor();
      postUrl = page.url();
    });

    await step("the reader page shows the post with its image loaded (a page-sized copy)", async () => {
      const reader = await context.newPage();
      await reader.goto(`${base}/posts/a-walk-by-the-sea`);
      await reader.getByRole("heading", { name: "A walk by the sea" }).waitFor();
      const img = await imageLoaded(reader, ".post-body img");
      check(/\/media\/\d+\/(640|1280)\/[a-z0-9-]+\.jpg$/.test(img.src), `the reader loaded ${img.src}, not a page-sized copy`);
      const csp = (await reader.goto(`${base}/posts/a-walk-by-the-sea`)).headers()["content-security-policy"];
      check(csp.includes("script-src 'none'"), `reader CSP: ${csp}`);
      await shot(reader, "reader-post.png");
      await reader.close();
    });

    await step("edit in two tabs: the second save is told plainly, nothing is lost", async () => {
      const other = await context.newPage();
      await other.goto(postUrl);
      await page.goto(postUrl);
      await other.getByLabel("Text (Markdown)").fill("Changed in the other tab.");
      await other.getByRole("button", { name: "Save", exact: true }).click();
      await other.getByRole("status").filter({ hasText: "Saved." }).waitFor();
      await page.getByLabel("Text (Markdown)").fill("My version from this tab.");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByRole("heading", { name: "This post changed in another tab or window" }).waitFor();
      check(await page.getByLabel("Text (Markdown)").inputValue() === "My version from this tab.", "the author's text was lost");
      check((await page.locator(".saved-markdown").textContent()).includes("Changed in the other tab."), "the saved version is not shown");
      await shot(page, "desk-conflict.png");
      await docShot(page, "docs-desk-conflict.png", "h1");
      await other.close();
    });

    await step("on a phone-sized screen the list reads in one column", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/desk`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      check(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      await shot(page, "desk-phone.png");
      await page.setViewportSize({ width: 1100, height: 900 });
    });

    await step("the backups page shows the state and takes a backup on request", async () => {
      await page.getByRole("link", { name: "Backups" }).click();
      await page.getByRole("heading", { name: "State" }).waitFor();
      await page.getByRole("button", { name: "Back up now" }).click();
      await page.getByRole("status").filter({ hasText: "started" }).waitFor();
      await shot(page, "desk-backups.png");
    });

    await step("sign out: the desk asks for the token again", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("status").filter({ hasText: "signed out" }).waitFor();
      await page.goto(`${base}/desk`);
      check(new URL(page.url()).pathname === "/desk/sign-in", `after sign-out /desk is ${page.url()}`);
    });

    await step("no page broke its Content-Security-Policy", async () => {
      check(cspErrors.length === 0, cspErrors.join(" | "));
    });
  } catch (e) {
    await shot(page, "failure.png").catch(() => {});
    await browser.close();
    process.exit(1);
  }
  await browser.close();
})();
