// The HSST advisor chat widget. A site adds one <script> tag (docs/channels.md); the widget draws a
// launcher button and a chat panel in a shadow root and talks to Rasa's socket.io channel. Its texts
// (greeting, starters, notes) come from the server (content/interface.yml), not from this file.
import { io } from "socket.io-client";
import styles from "./widget.css";
import { advicePage, richText, spokenText } from "./render.js";
import { botMessage, Transcript } from "./transcript.js";

// Rasa sends a reply as one event per paragraph, the buttons on the last. A reply without buttons is
// taken as complete when no paragraph has followed for this long (an action server call takes less).
const REPLY_SETTLE_MS = 800;
// Within this distance of the bottom, the conversation counts as read to the end.
const NEAR_BOTTOM_PX = 48;
// Below this height of the visible area (an on-screen keyboard is up), the header note is left out.
const COMPACT_HEIGHT_PX = 500;

function element(doc, tag, attributes = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function layout(doc, title) {
  const launcher = element(doc, "button", {
    type: "button",
    class: "launcher",
    "aria-expanded": "false",
    "aria-controls": "panel",
    text: `Ask the ${title}`,
  });
  const startOver = element(doc, "button", { type: "button", class: "start-over", text: "Start over" });
  const close = element(doc, "button", { type: "button", class: "close", text: "Close" });
  const headerNote = element(doc, "p", { class: "note" });
  // Not a live region: each reply is announced once, complete, through `announcer`.
  const log = element(doc, "section", { class: "log", "aria-label": "Conversation", tabindex: "0" });
  const typing = element(
    doc,
    "div",
    { class: "typing", "aria-hidden": "true", hidden: "" },
    element(doc, "span"),
    element(doc, "span"),
    element(doc, "span"),
  );
  const newMessages = element(
    doc,
    "button",
    { type: "button", class: "new-messages", hidden: "" },
    "New messages ",
    element(doc, "span", { "aria-hidden": "true", text: "↓" }),
  );
  const announcer = element(doc, "div", { class: "visually-hidden", "aria-live": "polite" });
  const status = element(doc, "p", { class: "status", role: "status" });
  const input = element(doc, "input", {
    id: "question",
    type: "text",
    autocomplete: "off",
    class: "question",
    "aria-describedby": "privacy-note",
  });
  const form = element(
    doc,
    "form",
    { class: "composer" },
    element(doc, "label", { for: "question", class: "visually-hidden", text: `Your question for the ${title}` }),
    input,
    element(doc, "button", { type: "submit", class: "send", text: "Send" }),
  );
  const privacyNote = element(doc, "p", { id: "privacy-note", class: "privacy-note" });
  const confirmText = element(doc, "p", { id: "start-over-question" });
  const confirmYes = element(doc, "button", { type: "button", class: "confirm-yes", text: "Start over" });
  // The safe choice has the focus when the dialog opens, so Enter alone does not clear the conversation.
  const confirmNo = element(doc, "button", {
    type: "button",
    class: "confirm-no",
    autofocus: "",
    text: "Keep the conversation",
  });
  const confirm = element(
    doc,
    "dialog",
    { class: "confirm", "aria-labelledby": "start-over-question" },
    confirmText,
    element(doc, "div", { class: "confirm-buttons" }, confirmYes, confirmNo),
  );
  const panel = element(
    doc,
    "div",
    { id: "panel", class: "panel" },
    element(
      doc,
      "div",
      { class: "header" },
      element(doc, "h2", { class: "title", text: title }),
      startOver,
      close,
      headerNote,
    ),
    element(doc, "div", { class: "conversation" }, log, newMessages),
    status,
    form,
    privacyNote,
    announcer,
    confirm,
  );
  panel.hidden = true;
  const region = element(doc, "aside", { class: "region", "aria-label": `${title} chat` }, launcher, panel);
  return {
    region, launcher, panel, startOver, close, headerNote, log, typing, newMessages, announcer, status, form,
    input, privacyNote, confirm, confirmText, confirmYes, confirmNo,
  };
}

/** Draws the widget into `host` and connects to the Rasa server at `serverUrl` when first opened. */
export function mount(host, { serverUrl, socketPath = "/socket.io", title = "HSST advisor" }) {
  const doc = host.ownerDocument;
  const view = doc.defaultView;
  const root = host.attachShadow({ mode: "open" });
  const ui = layout(doc, title);
  root.append(element(doc, "style", { text: styles }), ui.region);

  const transcript = new Transcript(`hsst-advisor:${serverUrl}`);
  const socket = io(serverUrl, { path: socketPath, autoConnect: false });
  const outbox = [];
  let sessionConfirmed = false;
  let texts = null;
  let textsRequest = null;
  // The reply being received: its group, and the timer that ends it when no paragraph follows.
  let arriving = null;
  // Whether the person is reading the latest exchange, so a new reply may scroll into view.
  let following = true;
  let programmaticScrollTop = null;
  // A reply asked for by a tap on a touch screen gets the focus, so the phone's keyboard stays down.
  let focusNextReply = false;
  let lastPointer = "mouse";

  // --- texts from the server ------------------------------------------------------------------

  async function fetchTexts() {
    try {
      const reply = await view.fetch(new URL("webhooks/socketio/widget_texts", `${serverUrl.replace(/\/$/, "")}/`));
      return reply.ok ? await reply.json() : null;
    } catch {
      return null; // Tried again on the next connection; the status line says the server can't be reached.
    }
  }

  async function loadTexts() {
    if (texts || textsRequest) return;
    textsRequest = fetchTexts();
    texts = await textsRequest;
    textsRequest = null;
    if (!texts) return;
    ui.headerNote.textContent = texts.header_note;
    ui.privacyNote.textContent = texts.privacy_note;
    ui.confirmText.textContent = texts.start_over_question;
    for (const group of ui.log.querySelectorAll(".message.bot")) addAdviceActions(group);
    greetIfNew();
  }

  /** A new conversation starts with the greeting and its three starter buttons. */
  function greetIfNew() {
    if (!texts || transcript.messages.length > 0 || ui.panel.hidden) return;
    const greeting = { from: "bot", text: texts.greeting, buttons: texts.starters, at: Date.now() };
    transcript.add(greeting);
    show(greeting);
    endReply({ announce: true });
  }

  // --- drawing the conversation ----------------------------------------------------------------

  function scrollLogTo(top) {
    programmaticScrollTop = Math.max(0, Math.min(top, ui.log.scrollHeight - ui.log.clientHeight));
    ui.log.scrollTop = programmaticScrollTop;
  }

  function nearBottom() {
    return ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - NEAR_BOTTOM_PX;
  }

  /** The latest question at the top of the view, its answer below it (or the start, before any question). */
  function showLatestQuestion() {
    const questions = ui.log.querySelectorAll(".message.user");
    const latest = questions[questions.length - 1];
    scrollLogTo(latest ? latest.offsetTop - 8 : 0);
    ui.newMessages.hidden = true;
  }

  function quickReplies(buttons) {
    // One tab stop for the whole group, so that Shift+Tab from the question box cannot land on (and Enter
    // press) an answer such as "Not sure"; the arrow keys move between the buttons.
    const group = element(doc, "div", {
      class: "quick-replies",
      role: "group",
      "aria-label": "Suggested replies: use the arrow keys to choose",
      tabindex: "0",
    });
    for (const { title: label, payload } of buttons) {
      const button = element(doc, "button", { type: "button", tabindex: "-1", text: label });
      button.addEventListener("click", () => {
        const touched = lastPointer === "touch";
        send(payload, label);
        if (touched) {
          focusNextReply = true;
          ui.log.focus({ preventScroll: true });
        } else {
          ui.input.focus();
        }
      });
      group.append(button);
    }
    group.addEventListener("keydown", (event) => {
      const all = [...group.querySelectorAll("button")];
      const at = all.indexOf(root.activeElement);
      const next = {
        ArrowDown: at + 1,
        ArrowRight: at + 1,
        ArrowUp: at < 0 ? all.length - 1 : at - 1,
        ArrowLeft: at < 0 ? all.length - 1 : at - 1,
        Home: 0,
        End: all.length - 1,
      }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      all[(next + all.length) % all.length].focus();
    });
    return group;
  }

  function removeQuickReplies() {
    for (const group of ui.log.querySelectorAll(".quick-replies")) group.remove();
  }

  /** The reply group the next bot paragraph joins: the last one, unless the person has spoken since. */
  function replyGroup() {
    const last = [...ui.log.children].filter((node) => node.matches(".message")).at(-1);
    if (last?.matches(".bot")) return { group: last, started: false };
    const group = element(
      doc,
      "div",
      { class: "message bot", tabindex: "-1" },
      element(doc, "span", { class: "visually-hidden", text: `${title}: ` }),
    );
    group.paragraphs = [];
    group.at = Date.now();
    ui.log.append(group);
    return { group, started: true };
  }

  function show(message) {
    if (message.from === "user") {
      // Suggestions answer the bot's last turn; once the person has spoken they are stale.
      removeQuickReplies();
      ui.log.append(
        element(
          doc,
          "div",
          { class: "message user" },
          element(doc, "span", { class: "visually-hidden", text: "You: " }),
          String(message.text),
        ),
      );
      ui.log.append(ui.typing);
      return null;
    }
    const { group, started } = replyGroup();
    if (started) group.at = message.at ?? Date.now();
    group.paragraphs.push(message.text);
    const part = element(doc, "div", { class: "part" }, richText(message.text, doc));
    group.append(part);
    if (message.buttons.length > 0) {
      group.buttons = message.buttons;
      group.after(quickReplies(message.buttons));
    }
    ui.log.append(ui.typing);
    return { group, started };
  }

  function showAll() {
    for (const node of ui.log.querySelectorAll(".message, .quick-replies")) node.remove();
    transcript.messages.forEach(show);
    for (const group of ui.log.querySelectorAll(".message.bot")) addAdviceActions(group);
    if (!ui.panel.hidden) showLatestQuestion();
  }

  /** A live reply's paragraph: the first scrolls the exchange into view, or offers "New messages". */
  function receive(message) {
    const { group, started } = show(message);
    if (started) {
      if (following) showLatestQuestion();
      else ui.newMessages.hidden = false;
    }
    clearTimeout(arriving?.timer);
    arriving = { group, timer: setTimeout(() => endReply({ announce: true }), REPLY_SETTLE_MS) };
    if (message.buttons.length > 0) endReply({ announce: true });
  }

  /** The reply is complete: one announcement (or, after a tap, the focus), and the typing dots go. */
  function endReply({ announce }) {
    const group = arriving?.group ?? [...ui.log.querySelectorAll(".message.bot")].at(-1);
    clearTimeout(arriving?.timer);
    arriving = null;
    ui.typing.hidden = true;
    if (!group) return;
    addAdviceActions(group);
    if (focusNextReply) {
      // The focused reply is read out from its start; announcing it too would read it twice.
      focusNextReply = false;
      group.focus({ preventScroll: true });
      return;
    }
    if (announce) announceReply(group);
  }

  function announceReply(group) {
    let words = `${title}: ${group.paragraphs.map(spokenText).join(" ")}`;
    const buttons = group.buttons ?? [];
    if (buttons.length > 0) {
      words += ` ${buttons.length} suggested ${buttons.length === 1 ? "reply" : "replies"}: `;
      words += `${buttons.map((button) => button.title).join(", ")}.`;
    }
    // A new node, so that a reply worded like the last one is announced too.
    ui.announcer.replaceChildren(element(doc, "p", { text: words }));
  }

  // --- the route advice as a page to keep ---------------------------------------------------------

  function addAdviceActions(group) {
    // The advice may follow a line saying back what was understood; the page to keep starts at the advice.
    const start = texts ? group.paragraphs.findIndex((text) => text.startsWith(texts.advice_intro)) : -1;
    if (start < 0 || group.querySelector(".advice-actions")) {
      return;
    }
    const page = () =>
      advicePage(group.paragraphs.slice(start), {
        title: texts.advice_page_title,
        note: texts.advice_page_note,
        given: new Date(group.at),
      });
    const download = element(doc, "a", {
      class: "action",
      href: URL.createObjectURL(new Blob([page()], { type: "text/html" })),
      download: `hsst-route-advice-${new Date(group.at).toISOString().slice(0, 10)}.html`,
      text: "Download this advice",
    });
    const print = element(doc, "button", { type: "button", class: "action", text: "Print this advice" });
    print.addEventListener("click", () => {
      // Printed from a hidden frame holding the clean page, not the host page with the chat on it.
      root.querySelector("iframe.print")?.remove();
      const frame = element(doc, "iframe", { class: "print", title: "Route advice to print", tabindex: "-1" });
      frame.srcdoc = page();
      frame.addEventListener("load", () => frame.contentWindow.print(), { once: true });
      root.append(frame);
    });
    group.append(element(doc, "div", { class: "advice-actions" }, download, print));
  }

  // --- talking to the server ------------------------------------------------------------------

  function deliver() {
    while (sessionConfirmed && socket.connected && outbox.length > 0) {
      const [event, payload] = outbox.shift();
      socket.emit(event, { ...payload, session_id: transcript.sessionId });
    }
  }

  function send(message, shownAs = message) {
    const entry = { from: "user", text: shownAs };
    transcript.add(entry);
    show(entry);
    following = true;
    showLatestQuestion();
    ui.typing.hidden = false;
    outbox.push(["user_uttered", { message }]);
    deliver();
  }

  function startOver() {
    // The server restarts the conversation first; anything typed afterwards is queued behind it.
    if (transcript.sessionId) outbox.push(["restart_request", {}]);
    transcript.clear();
    clearTimeout(arriving?.timer);
    arriving = null;
    ui.typing.hidden = true;
    showAll();
    greetIfNew();
    deliver();
    ui.input.focus();
  }

  socket.on("connect", () => {
    ui.status.textContent = "";
    socket.emit("session_request", { session_id: transcript.sessionId });
    loadTexts();
  });
  socket.on("session_confirm", (sessionId) => {
    if (typeof sessionId !== "string") return;
    const before = transcript.messages.length;
    transcript.confirm(sessionId);
    if (transcript.messages.length !== before) {
      showAll();
      greetIfNew();
    }
    sessionConfirmed = true;
    deliver();
  });
  socket.on("bot_uttered", (event) => {
    const message = botMessage(event);
    if (!message) return;
    transcript.add(message);
    receive(message);
  });
  socket.on("disconnect", () => {
    sessionConfirmed = false;
    ui.typing.hidden = true;
    ui.status.textContent = "Connection lost. Reconnecting…";
  });
  socket.on("connect_error", () => {
    ui.status.textContent = "Can't reach the advisor at the moment. Trying again…";
  });

  // --- the panel ----------------------------------------------------------------------------

  /** On a phone the panel fills the visible area, which an on-screen keyboard makes smaller. */
  function fitVisibleArea() {
    const visible = view.visualViewport;
    if (!visible) return;
    ui.panel.style.setProperty("--visible-height", `${visible.height}px`);
    ui.panel.style.setProperty("--visible-top", `${visible.offsetTop}px`);
    ui.panel.classList.toggle("compact", visible.height < COMPACT_HEIGHT_PX);
  }
  view.visualViewport?.addEventListener("resize", fitVisibleArea);
  view.visualViewport?.addEventListener("scroll", fitVisibleArea);

  function open({ focus }) {
    ui.panel.hidden = false;
    ui.region.classList.add("open");
    ui.launcher.setAttribute("aria-expanded", "true");
    transcript.open = true;
    fitVisibleArea();
    loadTexts();
    // Drawn while hidden, the conversation could not be scrolled; now it can.
    showLatestQuestion();
    greetIfNew();
    // Connect only when someone opens the chat, not on every page view.
    if (!socket.connected && !socket.active) socket.connect();
    if (focus) ui.input.focus();
  }

  function close() {
    ui.panel.hidden = true;
    ui.region.classList.remove("open");
    ui.launcher.setAttribute("aria-expanded", "false");
    transcript.open = false;
    ui.launcher.focus();
  }

  ui.region.addEventListener("pointerdown", (event) => (lastPointer = event.pointerType), { capture: true });
  ui.region.addEventListener("keydown", () => (lastPointer = "keyboard"), { capture: true });
  ui.launcher.addEventListener("click", () => (ui.panel.hidden ? open({ focus: true }) : close()));
  ui.close.addEventListener("click", close);
  ui.startOver.addEventListener("click", () => ui.confirm.showModal());
  ui.confirmNo.addEventListener("click", () => ui.confirm.close());
  ui.confirmYes.addEventListener("click", () => {
    ui.confirm.close();
    startOver();
  });
  ui.panel.addEventListener("keydown", (event) => {
    // Escape in the confirmation closes only the confirmation.
    if (event.key === "Escape" && !ui.confirm.open) close();
  });
  ui.newMessages.addEventListener("click", () => {
    following = true;
    showLatestQuestion();
  });
  ui.log.addEventListener("scroll", () => {
    if (programmaticScrollTop !== null && Math.abs(ui.log.scrollTop - programmaticScrollTop) < 2) return;
    programmaticScrollTop = null;
    following = nearBottom();
    if (following) ui.newMessages.hidden = true;
  });
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    send(text);
  });
  // Back or Forward may bring the page back from the browser's cache as it was: show the latest question.
  view.addEventListener("pageshow", (event) => {
    if (event.persisted && !ui.panel.hidden) showLatestQuestion();
  });

  showAll();
  // After a reload the panel is as it was, without taking focus from the page.
  if (transcript.open) open({ focus: false });
  return { socket, transcript };
}

// Embedded with <script src=".../advisor-widget.js" data-server-url="https://..."></script>.
const script = document.currentScript;
function mountFromScriptTag() {
  const host = document.createElement("div");
  host.id = "hsst-advisor-widget";
  document.body.append(host);
  mount(host, {
    serverUrl: script.dataset.serverUrl,
    socketPath: script.dataset.socketPath || undefined,
    title: script.dataset.title || undefined,
  });
}
if (script?.dataset.serverUrl) {
  if (document.body) mountFromScriptTag();
  else document.addEventListener("DOMContentLoaded", mountFromScriptTag);
}
