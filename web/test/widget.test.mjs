// The widget in a real browser: Debian's Chromium driven by playwright-core, against the real
// Rasa and action servers. Run by tests/e2e/test_web.py, which starts the servers and passes:
//   PAGE_URL      the demo page (tools/serve_web.py), pointed at the Rasa server
//   RASA_URL      the Rasa server, RASA_TOKEN its API token (to read the tracker)
//   EXPECT        JSON with the texts the answers must show (from content/answers.yml)
//   SCREENSHOTS   the folder the screenshots go to (results/screenshots; `make screenshots`: docs/screenshots)
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const { PAGE_URL, RASA_URL, RASA_TOKEN, SCREENSHOTS } = process.env;
const EXPECT = JSON.parse(process.env.EXPECT);
const REPLY_TIMEOUT = 60_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const AXE = fileURLToPath(import.meta.resolve("axe-core/axe.min.js"));

let userDataDir;
let context;
let page;
const pageRequests = [];
const blockedRequests = [];

before(async () => {
  userDataDir = await mkdtemp(join(tmpdir(), "widget-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: DESKTOP,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Only loopback is reachable; a source link opened in a new tab is stopped here, not sent out.
  await context.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === "127.0.0.1" || hostname === "localhost") return route.continue();
    blockedRequests.push(route.request().url());
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (request) => pageRequests.push(request.url()));
  await page.goto(PAGE_URL);
});

after(async () => {
  await context?.close();
  await rm(userDataDir, { recursive: true, force: true });
});

// --- helpers -----------------------------------------------------------------------------------

/** The element that has focus, looking inside shadow roots. */
function focused() {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return {
      tag: element.tagName,
      className: element.className,
      text: element.textContent,
      boxShadow: getComputedStyle(element).boxShadow,
    };
  });
}

function botMessage(text) {
  return page.locator(".message.bot", { hasText: text }).first();
}

async function ask(question) {
  const replies = await page.locator(".message.bot").count();
  await page.locator("input.question").fill(question);
  await page.keyboard.press("Enter");
  await page.locator(".message.bot").nth(replies).waitFor({ timeout: REPLY_TIMEOUT });
}

function sessionId() {
  return page.evaluate((url) => JSON.parse(sessionStorage.getItem(`hsst-advisor:${url}`)).sessionId, RASA_URL);
}

async function axeViolations() {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: await readFile(AXE, "utf8") });
  const results = await page.evaluate(() => window.axe.run(document));
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(", ")}`);
}

/** Screenshots for the README, with the end of the conversation in view. */
async function screenshot(name, viewport) {
  await page.setViewportSize(viewport);
  await page.evaluate(() => {
    const log = document.querySelector("#hsst-advisor-widget").shadowRoot.querySelector(".log");
    log.scrollTop = log.scrollHeight;
  });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
  await page.setViewportSize(DESKTOP);
}

async function noHorizontalScroll() {
  const widths = await page.evaluate(() => {
    const root = document.querySelector("#hsst-advisor-widget").shadowRoot;
    const panel = root.querySelector(".panel").getBoundingClientRect();
    const log = root.querySelector(".log");
    return {
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      panelLeft: panel.left,
      panelRight: panel.right,
      logScroll: log.scrollWidth,
      logClient: log.clientWidth,
    };
  });
  assert.ok(widths.page <= widths.viewport, `page scrolls sideways: ${JSON.stringify(widths)}`);
  assert.ok(widths.panelLeft >= 0 && widths.panelRight <= widths.viewport, `panel off screen: ${JSON.stringify(widths)}`);
  assert.ok(widths.logScroll <= widths.logClient, `conversation scrolls sideways: ${JSON.stringify(widths)}`);
}

// --- the steps, in order, on one page ----------------------------------------------------------

test("keyboard only: Tab reaches the launcher, Enter opens the chat and puts focus in the question box", async () => {
  await page.keyboard.press("Tab");
  const launcher = await focused();
  assert.equal(launcher.className, "launcher");
  assert.notEqual(launcher.boxShadow, "none", "the launcher shows no focus indicator");
  await page.keyboard.press("Enter");
  await page.locator(".panel").waitFor({ state: "visible" });
  assert.equal(await page.locator(".launcher").getAttribute("aria-expanded"), "true");
  assert.equal((await focused()).className, "question");
});

test("a typed question gets the sourced answer, and its source link opens in a new tab", async () => {
  await page.keyboard.type("Can I skip Part C if I have a PhD?");
  await page.keyboard.press("Enter");
  await page.locator(".message.user", { hasText: "Can I skip Part C if I have a PhD?" }).waitFor();
  await botMessage(EXPECT.part_c_first_line).waitFor({ timeout: REPLY_TIMEOUT });
  const link = page.locator(`.message.bot a[href="${EXPECT.part_c_source}"]`);
  await link.waitFor({ timeout: REPLY_TIMEOUT });
  assert.equal(await link.getAttribute("target"), "_blank");
  assert.deepEqual((await link.getAttribute("rel")).split(" ").sort(), ["noopener", "noreferrer"]);
  const [tab] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await tab.waitForEvent("request");
  assert.ok(blockedRequests.includes(EXPECT.part_c_source), `the link did not open: ${blockedRequests}`);
  await tab.close();
  await screenshot("widget-desktop.png", DESKTOP);
});

test("'what can you do?' lists the topics as quick replies; clicking one answers it", async () => {
  await ask("what can you do?");
  const buttons = page.locator(".quick-replies button");
  await buttons.first().waitFor({ timeout: REPLY_TIMEOUT });
  assert.deepEqual(await buttons.allTextContents(), EXPECT.topics);
  for (const box of await Promise.all((await buttons.all()).map((b) => b.boundingBox()))) {
    assert.ok(box.width >= 24 && box.height >= 24, `a quick reply is smaller than 24px: ${JSON.stringify(box)}`);
  }
  await screenshot("widget-phone.png", PHONE);
  await buttons.filter({ hasText: EXPECT.clicked_topic }).click();
  // The title is shown as the user's message; the payload brings that topic's answer.
  await page.locator(".message.user", { hasText: EXPECT.clicked_topic }).waitFor();
  await botMessage(EXPECT.clicked_first_line).waitFor({ timeout: REPLY_TIMEOUT });
  // The topic list is gone; only the answer's own quick reply (start the route check) is shown. It comes
  // with the answer's last paragraph, which may arrive after the first.
  await buttons.filter({ hasText: EXPECT.clicked_replies[0] }).waitFor({ timeout: REPLY_TIMEOUT });
  assert.deepEqual(await buttons.allTextContents(), EXPECT.clicked_replies, "stale quick replies are still shown");
  assert.equal((await focused()).className, "question", "focus did not return to the question box");
  await buttons.filter({ hasText: EXPECT.clicked_replies[0] }).click();
  await botMessage(EXPECT.route_check_question).waitFor({ timeout: REPLY_TIMEOUT });
  await ask("stop");
  await botMessage(EXPECT.route_check_stopped).waitFor({ timeout: REPLY_TIMEOUT });
});

test("keyboard only: quick replies are reachable with Tab and answer with Enter", async () => {
  await ask("help");
  await page.locator(".quick-replies button").first().waitFor({ timeout: REPLY_TIMEOUT });
  await page.keyboard.press("Shift+Tab");
  const last = await focused();
  assert.equal(last.text, EXPECT.topics.at(-1));
  assert.notEqual(last.boxShadow, "none", "a quick reply shows no focus indicator");
  await page.keyboard.press("Enter");
  await botMessage(EXPECT.last_topic_first_line).waitFor({ timeout: REPLY_TIMEOUT });
});

test("desktop (1280x800): no accessibility violations", async () => {
  assert.deepEqual(await axeViolations(), []);
  await noHorizontalScroll();
});

test("a reload continues the same conversation: the transcript is back and a follow-up is answered", async () => {
  const before = await sessionId();
  assert.match(before, /^[0-9a-f]{32}$/);
  await page.reload();
  await page.locator(".panel").waitFor({ state: "visible" });
  await page.locator(".message.user", { hasText: "Can I skip Part C if I have a PhD?" }).waitFor();
  await botMessage(EXPECT.part_c_first_line).waitFor();
  await ask("Can I do HSST part time?");
  await botMessage(EXPECT.part_time_first_line).waitFor({ timeout: REPLY_TIMEOUT });
  assert.equal(await sessionId(), before);

  const tracker = await fetch(`${RASA_URL}/conversations/${before}/tracker?token=${RASA_TOKEN}`);
  assert.equal(tracker.status, 200);
  const userTexts = (await tracker.json()).events.filter((e) => e.event === "user").map((e) => e.text);
  assert.equal(userTexts[0], "Can I skip Part C if I have a PhD?");
  assert.ok(userTexts.includes("what can you do?"));
  assert.equal(userTexts.at(-1), "Can I do HSST part time?");
});

test("phone (360x740): no sideways scrolling, no accessibility violations", async () => {
  await page.setViewportSize(PHONE);
  await noHorizontalScroll();
  assert.deepEqual(await axeViolations(), []);
  await page.setViewportSize(DESKTOP);
});

test("Escape closes the chat and gives focus back to the launcher", async () => {
  await page.locator("input.question").focus();
  await page.keyboard.press("Escape");
  await page.locator(".panel").waitFor({ state: "hidden" });
  assert.equal((await focused()).className, "launcher");
  assert.equal(await page.locator(".launcher").getAttribute("aria-expanded"), "false");
});

test("bot text is shown as text, never run as HTML; only http(s) URLs become links", async () => {
  const hostile =
    '<img src=x onerror="window.injected = true"> <b>bold</b> javascript:alert(1) ' +
    "see https://nshcs.hee.nhs.uk/a_(b)_c). Or https://nshcs.hee.nhs.uk/x,";
  // A stored transcript is drawn by the same code as live messages, so plant one and reload.
  await page.evaluate(
    ([url, text]) => {
      const key = `hsst-advisor:${url}`;
      const saved = JSON.parse(sessionStorage.getItem(key));
      saved.messages.push({ from: "bot", text, buttons: [{ title: "<i>x</i>", payload: "/ask_hsse" }] });
      sessionStorage.setItem(key, JSON.stringify(saved));
    },
    [RASA_URL, hostile],
  );
  await page.reload();
  const planted = page.locator(".message.bot").last();
  await planted.waitFor({ state: "attached" });
  assert.equal(await planted.locator("img, b, i, script").count(), 0);
  assert.ok((await planted.textContent()).includes('<img src=x onerror="window.injected = true"> <b>bold</b>'));
  assert.equal(await page.evaluate(() => window.injected), undefined);
  const hrefs = await planted.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.deepEqual(hrefs, ["https://nshcs.hee.nhs.uk/a_(b)_c", "https://nshcs.hee.nhs.uk/x"]);
  assert.equal(await page.locator(".quick-replies button").last().textContent(), "<i>x</i>");
});

test("everything the page loaded came from the local servers: nothing from a CDN", async () => {
  const elsewhere = pageRequests.filter((url) => !/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/]/.test(url));
  assert.deepEqual(elsewhere, []);
});
