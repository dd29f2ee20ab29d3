// The HSST advisor chat widget. A site adds one <script> tag (see README); the widget draws a
// launcher button and a chat panel in a shadow root and talks to Rasa's socket.io channel.
import { io } from "socket.io-client";
import styles from "./widget.css";
import { richText } from "./render.js";
import { botMessage, Transcript } from "./transcript.js";

const INTRO =
  'Ask about HSST, HSSE, the HSS Register and the routes to them, for example "Can I do HSST part time?", ' +
  'or type "help" to see the topics.';

function element(doc, tag, attributes = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function speaker(doc, name) {
  return element(doc, "span", { class: "visually-hidden", text: `${name}: ` });
}

function layout(doc, title) {
  const launcher = element(doc, "button", {
    type: "button",
    class: "launcher",
    "aria-expanded": "false",
    "aria-controls": "panel",
    text: `Ask the ${title}`,
  });
  const close = element(doc, "button", { type: "button", class: "close", text: "Close" });
  const log = element(doc, "div", {
    class: "log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
    // The log scrolls, so keyboard users must be able to reach it.
    tabindex: "0",
  });
  log.append(element(doc, "p", { class: "intro", text: INTRO }));
  const status = element(doc, "p", { class: "status", role: "status" });
  const input = element(doc, "input", { id: "question", type: "text", autocomplete: "off", class: "question" });
  const form = element(
    doc,
    "form",
    { class: "composer" },
    element(doc, "label", { for: "question", class: "visually-hidden", text: `Your question for the ${title}` }),
    input,
    element(doc, "button", { type: "submit", class: "send", text: "Send" }),
  );
  const panel = element(
    doc,
    "div",
    { id: "panel", class: "panel" },
    element(
      doc,
      "div",
      { class: "header" },
      element(
        doc,
        "div",
        { class: "header-text" },
        element(doc, "h2", { class: "title", text: title }),
        element(doc, "p", { class: "note", text: "Answers link their official sources. Not an official NSHCS service." }),
      ),
      close,
    ),
    log,
    status,
    form,
  );
  panel.hidden = true;
  const region = element(doc, "aside", { "aria-label": `${title} chat` }, launcher, panel);
  return { region, launcher, panel, close, log, status, form, input };
}

/** Draws the widget into `host` and connects to the Rasa server at `serverUrl` when first opened. */
export function mount(host, { serverUrl, socketPath = "/socket.io", title = "HSST advisor" }) {
  const doc = host.ownerDocument;
  const root = host.attachShadow({ mode: "open" });
  const ui = layout(doc, title);
  root.append(element(doc, "style", { text: styles }), ui.region);

  const transcript = new Transcript(`hsst-advisor:${serverUrl}`);
  const socket = io(serverUrl, { path: socketPath, autoConnect: false });
  const outbox = [];
  let sessionConfirmed = false;

  function quickReplies(buttons) {
    const group = element(doc, "div", { class: "quick-replies", role: "group", "aria-label": "Suggested replies" });
    for (const { title: label, payload } of buttons) {
      const button = element(doc, "button", { type: "button", text: label });
      button.addEventListener("click", () => {
        send(payload, label);
        ui.input.focus();
      });
      group.append(button);
    }
    return group;
  }

  function show(message) {
    if (message.from === "user") {
      // Suggestions answer the bot's last turn; once the user has spoken they are stale.
      for (const group of ui.log.querySelectorAll(".quick-replies")) group.remove();
      ui.log.append(element(doc, "div", { class: "message user" }, speaker(doc, "You"), String(message.text)));
      ui.log.scrollTop = ui.log.scrollHeight;
      return;
    }
    ui.log.append(element(doc, "div", { class: "message bot" }, speaker(doc, title), richText(message.text, doc)));
    if (message.buttons.length > 0) ui.log.append(quickReplies(message.buttons));
    // Scroll to the start of the reply rather than its end, so a long answer is read from the top.
    const userMessages = ui.log.querySelectorAll(".user");
    const lastUser = userMessages[userMessages.length - 1];
    const firstOfReply = lastUser?.nextElementSibling ?? ui.log.querySelector(".bot");
    ui.log.scrollTop = Math.max(0, firstOfReply.offsetTop - 8);
  }

  function showAll() {
    for (const node of ui.log.querySelectorAll(".message, .quick-replies")) node.remove();
    transcript.messages.forEach(show);
  }

  function deliver() {
    while (sessionConfirmed && socket.connected && outbox.length > 0) {
      socket.emit("user_uttered", { message: outbox.shift(), session_id: transcript.sessionId });
    }
  }

  function send(message, shownAs = message) {
    const entry = { from: "user", text: shownAs };
    transcript.add(entry);
    show(entry);
    outbox.push(message);
    deliver();
  }

  socket.on("connect", () => {
    ui.status.textContent = "";
    socket.emit("session_request", { session_id: transcript.sessionId });
  });
  socket.on("session_confirm", (sessionId) => {
    if (typeof sessionId !== "string") return;
    const before = transcript.messages.length;
    transcript.confirm(sessionId);
    if (transcript.messages.length !== before) showAll();
    sessionConfirmed = true;
    deliver();
  });
  socket.on("bot_uttered", (event) => {
    const message = botMessage(event);
    if (!message) return;
    transcript.add(message);
    show(message);
  });
  socket.on("disconnect", () => {
    sessionConfirmed = false;
    ui.status.textContent = "Connection lost. Reconnecting…";
  });
  socket.on("connect_error", () => {
    ui.status.textContent = "Can't reach the advisor at the moment. Trying again…";
  });

  function open({ focus }) {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    transcript.open = true;
    // Connect only when someone opens the chat, not on every page view.
    if (!socket.connected && !socket.active) socket.connect();
    if (focus) ui.input.focus();
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    transcript.open = false;
    ui.launcher.focus();
  }

  ui.launcher.addEventListener("click", () => (ui.panel.hidden ? open({ focus: true }) : close()));
  ui.close.addEventListener("click", close);
  ui.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    send(text);
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
