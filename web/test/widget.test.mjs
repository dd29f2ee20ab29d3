// The widget in a real browser: Debian's Chromium driven by playwright-core, against the real
// Rasa and action servers. Run by tests/e2e/test_web.py, which starts the servers and passes:
//   PAGE_URL      the demo page (tools/serve_web.py), pointed at the Rasa server
//   RASA_URL      the Rasa server, RASA_TOKEN its API token (to read the tracker)
//   EXPECT        JSON with the texts the answers must show (content/answers.yml) and the widget's own
//                 texts (content/interface.yml, widget section)
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
let phoneBrowser;
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
  await phoneBrowser?.close();
  await rm(userDataDir, { recursive: true, force: true });
});

// --- helpers -----------------------------------------------------------------------------------

/** The element that has focus, looking inside shadow roots. */
function focused(on = page) {
  return on.evaluate(() => {
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

/** The first bot message containing `text`, or any one of the texts in an array (a typed question may
 * get its topic page or one of the topic's question-level answers). */
function botMessage(text) {
  const hasText = Array.isArray(text) ? new RegExp(text.map(escapeRegExp).join("|")) : text;
  return page.locator(".message.bot", { hasText }).first();
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Waits for the reply after the latest question (a new reply group), and for it to be complete. */
async function nextReply(replies, on = page) {
  await on.locator(".message.bot").nth(replies).waitFor({ timeout: REPLY_TIMEOUT });
  await on.locator(".typing").waitFor({ state: "hidden", timeout: REPLY_TIMEOUT });
  return on.locator(".message.bot").nth(replies);
}

async function ask(question) {
  const replies = await page.locator(".message.bot").count();
  await page.locator("input.question").fill(question);
  await page.keyboard.press("Enter");
  return nextReply(replies);
}

/** Everything the announcer (the one live region) says from now on, and when the typing dots show. */
function listen(on = page) {
  return on.evaluate(() => {
    const root = document.querySelector("#hsst-advisor-widget").shadowRoot;
    window.announced = [];
    window.typingShown = 0;
    new MutationObserver(() => window.announced.push(root.querySelector("[aria-live]").textContent)).observe(
      root.querySelector("[aria-live]"),
      { childList: true },
    );
    new MutationObserver(() => (window.typingShown += root.querySelector(".typing").hidden ? 0 : 1)).observe(
      root.querySelector(".typing"),
      { attributes: true, attributeFilter: ["hidden"] },
    );
  });
}

/** Where the latest question is, against the visible part of the conversation. */
function latestQuestionPlace(on = page) {
  return on.evaluate(() => {
    const log = document.querySelector("#hsst-advisor-widget").shadowRoot.querySelector(".log");
    const questions = log.querySelectorAll(".message.user");
    const question = questions[questions.length - 1].getBoundingClientRect();
    const view = log.getBoundingClientRect();
    return { top: question.top - view.top, bottom: view.bottom - question.bottom, scrollTop: log.scrollTop };
  });
}

async function assertLatestQuestionShown(what) {
  const place = await latestQuestionPlace();
  assert.ok(place.scrollTop > 0, `${what}: the conversation shows its top: ${JSON.stringify(place)}`);
  assert.ok(place.top >= 0 && place.bottom >= 0, `${what}: the latest question is out of view: ${JSON.stringify(place)}`);
}

function sessionId() {
  return page.evaluate((url) => JSON.parse(sessionStorage.getItem(`hsst-advisor:${url}`)).sessionId, RASA_URL);
}

async function axeViolations(on = page) {
  if (!(await on.evaluate(() => "axe" in window))) await on.addScriptTag({ content: await readFile(AXE, "utf8") });
  const results = await on.evaluate(() => window.axe.run(document));
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(", ")}`);
}

/** Screenshots for docs/channels.md, with the end of the conversation in view. */
async function screenshot(name, on = page) {
  await on.evaluate(() => {
    const log = document.querySelector("#hsst-advisor-widget").shadowRoot.querySelector(".log");
    log.scrollTop = log.scrollHeight;
  });
  await on.screenshot({ path: join(SCREENSHOTS, name) });
}

async function noHorizontalScroll(on = page) {
  const widths = await on.evaluate(() => {
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

const TEXTS = EXPECT.texts;

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

test("the first open greets with the three starters and the notes, all from content", async () => {
  await botMessage(TEXTS.greeting).waitFor({ timeout: REPLY_TIMEOUT });
  const starters = page.locator(".quick-replies button");
  assert.deepEqual(
    await starters.allTextContents(),
    TEXTS.starters.map((starter) => starter.title),
  );
  assert.equal(await page.locator(".privacy-note").textContent(), TEXTS.privacy_note);
  assert.equal(await page.locator(".header .note").textContent(), TEXTS.header_note);
  assert.deepEqual(await axeViolations(), [], "with the greeting, starters, Start over and the notes");
});

test("a typed question gets one reply: one group, one sender label, one announcement, sources as named links", async () => {
  await listen();
  await page.keyboard.type("Can I skip Part C if I have a PhD?");
  await page.keyboard.press("Enter");
  await page.locator(".message.user", { hasText: "Can I skip Part C if I have a PhD?" }).waitFor();
  const reply = await nextReply(1);
  await reply.locator(".part", { hasText: "Last reviewed" }).waitFor({ timeout: REPLY_TIMEOUT });
  assert.ok((await reply.textContent()).includes(EXPECT.part_c_first_line));
  // Every paragraph Rasa sent is in the one group, after one hidden "HSST advisor: ".
  assert.equal(await reply.locator(".part").count(), EXPECT.part_c_paragraphs);
  assert.deepEqual(await reply.locator(".visually-hidden").filter({ hasText: /advisor/ }).allTextContents(), [
    "HSST advisor: ",
  ]);
  assert.equal(await page.evaluate(() => window.typingShown), 1, "the typing indicator did not show");
  assert.equal(await page.locator(".typing").isVisible(), false);
  // Read out once, complete, links by their titles.
  const announced = await page.evaluate(() => window.announced);
  assert.equal(announced.length, 1, `announced ${announced.length} times: ${announced}`);
  assert.ok(announced[0].startsWith(`HSST advisor: ${EXPECT.part_c_first_line.slice(0, 40)}`), announced[0]);
  assert.ok(announced[0].includes(EXPECT.part_c_source_title) && !announced[0].includes("https://"), announced[0]);
  const replies = EXPECT.part_c_replies;
  const suggested = `${replies.length} suggested ${replies.length === 1 ? "reply" : "replies"}: ${replies.join(", ")}.`;
  assert.ok(announced[0].endsWith(suggested), announced[0]);

  const link = reply.locator(`a[href="${EXPECT.part_c_source}"]`);
  assert.equal(await link.textContent(), `${EXPECT.part_c_source_title} (opens in a new tab)`);
  assert.equal(await reply.locator("a", { hasText: /^https?:/ }).count(), 0, "a link is shown as a raw URL");
  assert.equal(await link.getAttribute("target"), "_blank");
  assert.deepEqual((await link.getAttribute("rel")).split(" ").sort(), ["noopener", "noreferrer"]);
  const [tab] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await tab.waitForEvent("request");
  assert.ok(blockedRequests.includes(EXPECT.part_c_source), `the link did not open: ${blockedRequests}`);
  await tab.close();
  await screenshot("widget-desktop.png");
});

test("'what can you do?' lists the topics as quick replies; clicking one answers it", async () => {
  await ask("what can you do?");
  const buttons = page.locator(".quick-replies button");
  assert.deepEqual(await buttons.allTextContents(), EXPECT.topics);
  for (const box of await Promise.all((await buttons.all()).map((b) => b.boundingBox()))) {
    assert.ok(box.width >= 44 && box.height >= 44, `a quick reply is smaller than 44px: ${JSON.stringify(box)}`);
  }
  await buttons.filter({ hasText: EXPECT.clicked_topic }).click();
  // The title is shown as the user's message; the payload brings that topic's answer.
  await page.locator(".message.user", { hasText: EXPECT.clicked_topic }).waitFor();
  await botMessage(EXPECT.clicked_first_line).waitFor({ timeout: REPLY_TIMEOUT });
  await buttons.filter({ hasText: EXPECT.clicked_replies[0] }).waitFor({ timeout: REPLY_TIMEOUT });
  assert.deepEqual(await buttons.allTextContents(), EXPECT.clicked_replies, "stale quick replies are still shown");
  // A mouse (not a touch screen): focus goes back to the question box.
  assert.equal((await focused()).className, "question", "focus did not return to the question box");
  await buttons.filter({ hasText: EXPECT.clicked_replies[0] }).click();
  await botMessage(EXPECT.route_check_question).waitFor({ timeout: REPLY_TIMEOUT });
  await ask("stop");
  await botMessage(EXPECT.route_check_stopped).waitFor({ timeout: REPLY_TIMEOUT });
});

test("'Not helpful' under an answer is a text button, announced; the press lands in the tracker and the chat goes on", async () => {
  await listen();
  await ask(EXPECT.feedback_question);
  const buttons = page.locator(".quick-replies button");
  await buttons.filter({ hasText: EXPECT.feedback_titles[1] }).waitFor({ timeout: REPLY_TIMEOUT });
  assert.deepEqual((await buttons.allTextContents()).slice(-2), EXPECT.feedback_titles);
  const announced = await page.evaluate(() => window.announced.join(" "));
  assert.ok(announced.includes(EXPECT.feedback_titles.join(", ")), `not announced: ${announced}`);
  await buttons.filter({ hasText: EXPECT.feedback_titles[1] }).click();
  await botMessage(EXPECT.feedback_ask_missing).waitFor({ timeout: REPLY_TIMEOUT });
  // Rasa saves the conversation once the reply is sent: the press is there as slot events, with its answer id.
  const id = await sessionId();
  let kept = () => [];
  for (let tries = 0; tries < 60 && kept("feedback_helpful").length === 0; tries += 1) {
    const tracker = await (await fetch(`${RASA_URL}/conversations/${id}/tracker?token=${RASA_TOKEN}`)).json();
    kept = (name) => tracker.events.filter((e) => e.event === "slot" && e.name === name).map((e) => e.value);
    if (kept("feedback_helpful").length === 0) await page.waitForTimeout(500);
  }
  assert.equal(kept("feedback_answer_id").at(-1), EXPECT.feedback_answer_id);
  assert.equal(kept("feedback_helpful").at(-1), false);
  await ask("Can I do HSST part time?");
  await botMessage(EXPECT.part_time_first_line).waitFor({ timeout: REPLY_TIMEOUT });
});

test("keyboard only: Shift+Tab from the question box reaches the suggestions as one stop, never a button", async () => {
  await ask("help");
  await page.locator("input.question").focus();
  await page.keyboard.press("Shift+Tab");
  const group = await focused();
  assert.equal(group.className, "quick-replies", `Shift+Tab landed on ${group.tag} "${group.text}"`);
  assert.notEqual(group.boxShadow, "none", "the suggestions show no focus indicator");
  // Enter there presses nothing.
  const questions = await page.locator(".message.user").count();
  await page.keyboard.press("Enter");
  await page.waitForTimeout(1000);
  assert.equal(await page.locator(".message.user").count(), questions, "Enter on the group sent an answer");
  // The arrow keys (and Home, End) choose; Enter presses.
  await page.keyboard.press("ArrowDown");
  assert.equal((await focused()).text, EXPECT.topics[0]);
  await page.keyboard.press("End");
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

test("a reply that comes while the person has scrolled up offers 'New messages' instead of moving the view", async () => {
  const replies = await page.locator(".message.bot").count();
  // Sent and scrolled up in one go, so the reply cannot arrive in between.
  await page.evaluate(() => {
    const root = document.querySelector("#hsst-advisor-widget").shadowRoot;
    root.querySelector("input.question").value = "What is HSSE?";
    root.querySelector("form").requestSubmit();
    root.querySelector(".log").scrollTop = 0;
  });
  await nextReply(replies);
  const newMessages = page.locator(".new-messages");
  await newMessages.waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.querySelector("#hsst-advisor-widget").shadowRoot.querySelector(".log").scrollTop), 0);
  assert.deepEqual(await axeViolations(), [], "with the New messages button");
  await newMessages.click();
  await newMessages.waitFor({ state: "hidden" });
  await assertLatestQuestionShown("after New messages");
});

test("the route advice can be downloaded and printed as a clean page with its sources and date", async () => {
  await ask("which route suits me?");
  // Through the questions with their first buttons (the PhD year is typed), to the advice.
  let advice = null;
  for (let step = 0; step < 15 && !advice; step += 1) {
    const last = page.locator(".message.bot").last();
    if ((await last.textContent()).includes(TEXTS.advice_intro)) {
      advice = last;
      break;
    }
    const replies = await page.locator(".message.bot").count();
    if ((await page.locator(".quick-replies button").count()) > 0) {
      await page.locator(".quick-replies button").first().click();
      await nextReply(replies);
    } else {
      await ask("2019");
    }
  }
  assert.ok(advice, "no route advice after 15 answers");
  const download = advice.locator("a.action");
  await download.waitFor();
  assert.deepEqual(await axeViolations(), [], "with the advice's Download and Print");
  const links = await advice
    .locator(".part a")
    .evaluateAll((anchors) => anchors.map((a) => [a.getAttribute("href"), a.firstChild.textContent]));
  assert.ok(links.length >= 2, `the advice has no sources: ${links}`);

  const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
  assert.match(file.suggestedFilename(), /^hsst-route-advice-\d{4}-\d{2}-\d{2}\.html$/);
  const saved = await readFile(await file.path(), "utf8");
  const today = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  const printable = await context.newPage();
  await printable.setContent(saved);
  assert.equal(await printable.locator("h1").textContent(), TEXTS.advice_page_title);
  assert.ok((await printable.textContent("body")).includes(`Given on ${today}.`));
  assert.ok((await printable.textContent("body")).includes(TEXTS.advice_intro));
  assert.ok((await printable.textContent("body")).includes("Last reviewed"));
  assert.ok((await printable.textContent("body")).includes(TEXTS.advice_page_note));
  const pageLinks = await printable
    .locator("a")
    .evaluateAll((anchors) => anchors.map((a) => [a.getAttribute("href"), a.firstChild.textContent]));
  assert.deepEqual(pageLinks, links, "the page's sources differ from the advice's");
  assert.equal(await printable.locator("script, button, input").count(), 0, "the page is not clean");
  // On paper every source shows its address after its title.
  await printable.emulateMedia({ media: "print" });
  const after = await printable.locator("a").first().evaluate((a) => getComputedStyle(a, "::after").content);
  assert.ok(after.includes("attr(href)") || after.includes(links[0][0]), `no URL after a printed link: ${after}`);
  await printable.close();

  // Print: the same page in a frame of its own, printed from there (headless Chromium prints nothing).
  await advice.locator("button.action").click();
  const frame = page.frames().find((f) => f !== page.mainFrame()) ?? (await page.waitForEvent("frameattached"));
  await frame.waitForLoadState();
  assert.equal(await frame.locator("h1").textContent(), TEXTS.advice_page_title);
});

test("a reload continues the same conversation and shows the latest question, not the top", async () => {
  const before = await sessionId();
  assert.match(before, /^[0-9a-f]{32}$/);
  await ask("Can I do HSST part time?");
  await page.reload();
  await page.locator(".panel").waitFor({ state: "visible" });
  await page.locator(".message.user", { hasText: "Can I skip Part C if I have a PhD?" }).waitFor({ state: "attached" });
  await assertLatestQuestionShown("after a reload");
  assert.equal((await latestQuestionPlace()).top < 40, true, "the latest question is not at the top of the view");
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

test("another page of the site, then Back: the conversation shows the latest question", async () => {
  await page.goto(`${PAGE_URL}?another-page`);
  await page.locator(".panel").waitFor({ state: "visible" });
  await assertLatestQuestionShown("on another page");
  await page.goBack();
  await page.locator(".panel").waitFor({ state: "visible" });
  await assertLatestQuestionShown("after Back");
});

test("phone width in this window (360x740): no sideways scrolling, no accessibility violations", async () => {
  await page.setViewportSize(PHONE);
  await noHorizontalScroll();
  assert.deepEqual(await axeViolations(), []);
  await page.setViewportSize(DESKTOP);
});

test("Start over asks first, then clears the conversation here and in the tracker", async () => {
  const id = await sessionId();
  await page.locator(".start-over").click();
  const dialog = page.locator("dialog.confirm");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await dialog.locator("p").textContent(), TEXTS.start_over_question);
  assert.equal((await focused()).className, "confirm-no", "the dialog opens on the choice that clears nothing");
  assert.deepEqual(await axeViolations(), [], "with the Start over confirmation");
  // Escape (or "Keep the conversation") closes the question only.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.ok(await page.locator(".panel").isVisible());
  assert.ok((await page.locator(".message.user").count()) > 0);

  await page.locator(".start-over").click();
  await page.locator(".confirm-yes").click();
  await dialog.waitFor({ state: "hidden" });
  await botMessage(TEXTS.greeting).waitFor();
  assert.equal(await page.locator(".message.user").count(), 0);
  assert.equal(await page.locator(".message.bot").count(), 1);
  assert.equal((await focused()).className, "question");
  assert.equal(await sessionId(), id);
  // The server restarted the conversation: Rasa's tracker (from the last restart on) has no question left.
  let userTexts;
  for (let tries = 0; tries < 60; tries += 1) {
    const tracker = await (await fetch(`${RASA_URL}/conversations/${id}/tracker?token=${RASA_TOKEN}`)).json();
    userTexts = tracker.events.filter((e) => e.event === "user").map((e) => e.text);
    if (userTexts.length === 0) break;
    await page.waitForTimeout(500);
  }
  assert.deepEqual(userTexts, []);
  // And the conversation carries on.
  await ask("Can I do HSST part time?");
  await botMessage(EXPECT.part_time_first_line).waitFor({ timeout: REPLY_TIMEOUT });
});

test("Escape closes the chat and gives focus back to the launcher", async () => {
  await page.locator("input.question").focus();
  await page.keyboard.press("Escape");
  await page.locator(".panel").waitFor({ state: "hidden" });
  assert.equal((await focused()).className, "launcher");
  assert.equal(await page.locator(".launcher").getAttribute("aria-expanded"), "false");
});

test("bot text is shown as text, never run as HTML; only http(s) links become links", async () => {
  const hostile =
    '<img src=x onerror="window.injected = true"> <b>bold</b> javascript:alert(1) [click](javascript:alert(1)) ' +
    "see https://nshcs.hee.nhs.uk/a_(b)_c). Or https://nshcs.hee.nhs.uk/x, [NSHCS: <i>home</i>](https://nshcs.hee.nhs.uk/)";
  // A stored transcript is drawn by the same code as live messages, so plant one and reload.
  await page.evaluate(
    ([url, text]) => {
      const key = `hsst-advisor:${url}`;
      const saved = JSON.parse(sessionStorage.getItem(key));
      saved.messages.push({ from: "user", text: "planted" });
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
  assert.ok((await planted.textContent()).includes("[click](javascript:alert(1))"));
  assert.equal(await page.evaluate(() => window.injected), undefined);
  const links = await planted.locator("a").evaluateAll((all) => all.map((a) => [a.getAttribute("href"), a.firstChild.textContent]));
  assert.deepEqual(links, [
    ["https://nshcs.hee.nhs.uk/a_(b)_c", "https://nshcs.hee.nhs.uk/a_(b)_c"],
    ["https://nshcs.hee.nhs.uk/x", "https://nshcs.hee.nhs.uk/x"],
    ["https://nshcs.hee.nhs.uk/", "NSHCS: <i>home</i>"],
  ]);
  assert.equal(await page.locator(".quick-replies button").last().textContent(), "<i>x</i>");
});

test("everything the page loaded came from the local servers: nothing from a CDN", async () => {
  const elsewhere = pageRequests.filter((url) => !/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/]/.test(url));
  assert.deepEqual(elsewhere, []);
});

// --- a phone: touch, full screen, an on-screen keyboard -------------------------------------------

// Chromium cannot show an on-screen keyboard headless; what one does to the page is shrink the visual
// viewport while the layout stays. This stands in for window.visualViewport before the widget loads.
function fakeVisualViewport() {
  let keyboard = 0;
  const visible = new EventTarget();
  Object.defineProperties(visible, {
    width: { get: () => innerWidth },
    height: { get: () => innerHeight - keyboard },
    offsetTop: { get: () => 0 },
  });
  Object.defineProperty(window, "visualViewport", { value: visible, configurable: true });
  window.showKeyboard = (height) => {
    keyboard = height;
    visible.dispatchEvent(new Event("resize"));
  };
}

function box(on, selector) {
  return on.locator(selector).first().boundingBox();
}

test("phone (360x740, touch): full screen, no launcher, a tapped answer gets the focus, the keyboard's height is left", async () => {
  phoneBrowser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const phone = await phoneBrowser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
  await phone.route("**/*", (route) =>
    ["127.0.0.1", "localhost"].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort(),
  );
  const tab = await phone.newPage();
  await tab.addInitScript(fakeVisualViewport);
  await tab.goto(PAGE_URL);
  await tab.locator(".launcher").tap();
  await tab.locator(".panel").waitFor({ state: "visible" });
  await tab.locator(".message.bot", { hasText: TEXTS.greeting }).waitFor({ timeout: REPLY_TIMEOUT });
  assert.deepEqual(await box(tab, ".panel"), { x: 0, y: 0, width: PHONE.width, height: PHONE.height });
  assert.equal(await tab.locator(".launcher").isVisible(), false, "the launcher shows over the open chat");
  const log = await box(tab, ".log");
  assert.ok(log.height >= 500, `the conversation has ${log.height} of ${PHONE.height} px`);
  console.log(`phone: the conversation is ${log.height} px high of ${PHONE.height}`);
  await noHorizontalScroll(tab);
  assert.deepEqual(await axeViolations(tab), []);

  // A starter tapped: the reply gets the focus, not the question box (which would open the keyboard).
  await tab.locator(".quick-replies button").first().tap();
  const reply = await nextReply(1, tab);
  await tab.waitForFunction(
    () => document.querySelector("#hsst-advisor-widget").shadowRoot.activeElement?.matches(".message.bot"),
    null,
    { timeout: REPLY_TIMEOUT },
  );
  assert.equal((await focused(tab)).className, "message bot");
  assert.ok((await reply.textContent()).length > 0);
  await tab.screenshot({ path: join(SCREENSHOTS, "widget-phone.png") });

  // The keyboard up (300 px): the panel is the visible part, the question box and Send stay on screen.
  await tab.locator("input.question").tap();
  await tab.evaluate(() => window.showKeyboard(300));
  const visible = PHONE.height - 300;
  await tab.waitForFunction((height) => {
    const panel = document.querySelector("#hsst-advisor-widget").shadowRoot.querySelector(".panel");
    return Math.round(panel.getBoundingClientRect().height) === height;
  }, visible);
  const send = await box(tab, ".send");
  assert.ok(send.y + send.height <= visible, `Send is under the keyboard: ${JSON.stringify(send)}`);
  const shrunk = await box(tab, ".log");
  assert.ok(shrunk.height >= 200, `with the keyboard up the conversation has ${shrunk.height} px`);
  console.log(`phone with keyboard: the conversation is ${shrunk.height} px high of ${visible} visible`);
  await tab.locator("input.question").fill("Can I do HSST part time?");
  assert.deepEqual(await axeViolations(tab), []);
  // For the screenshot only: where the keyboard would be.
  await tab.evaluate((height) => {
    const keyboard = document.createElement("div");
    keyboard.textContent = `on-screen keyboard (${height} px)`;
    keyboard.style.cssText =
      `position: fixed; left: 0; right: 0; bottom: 0; height: ${height}px; z-index: 2147483647; display: flex;` +
      "align-items: center; justify-content: center; background: #d8dde0; color: #212b32; font: 16px system-ui;";
    document.body.append(keyboard);
  }, 300);
  await screenshot("widget-phone-keyboard.png", tab);
  await phone.close();
});
