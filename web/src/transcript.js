// The conversation as this browser tab knows it: the Rasa session id, the messages shown
// and whether the panel is open. Kept in sessionStorage, so a reload (or a move to another
// page of the same site in the same tab) continues the conversation, and closing the tab
// forgets it: nothing outlives the visit on a shared or public computer.

const MAX_MESSAGES = 200;

function emptyState() {
  return { sessionId: null, messages: [], open: false };
}

function storageOrNull() {
  try {
    return window.sessionStorage;
  } catch {
    // Some privacy settings make sessionStorage throw; the widget then forgets on reload.
    return null;
  }
}

function asButtons(buttons) {
  if (!Array.isArray(buttons)) return [];
  return buttons
    .filter((button) => button && typeof button.title === "string" && typeof button.payload === "string")
    .map(({ title, payload }) => ({ title, payload }));
}

/**
 * A bot event from Rasa's socket.io output as {from, text, buttons, at}, or null if there is nothing to
 * show. `at` is when it arrived (ms), the date a downloaded route advice was given.
 */
export function botMessage(event) {
  if (!event || typeof event !== "object") return null;
  const text = typeof event.text === "string" ? event.text : "";
  const buttons = asButtons(event.quick_replies ?? event.buttons);
  if (!text && buttons.length === 0) return null;
  return { from: "bot", text, buttons, at: Number.isFinite(event.at) ? event.at : Date.now() };
}

/** A message read back from storage, in the shape `show` expects, or null if it is not one. */
function storedMessage(message) {
  if (message?.from === "user" && typeof message.text === "string") return { from: "user", text: message.text };
  if (message?.from === "bot") return botMessage(message);
  return null;
}

export class Transcript {
  constructor(key) {
    this.key = key;
    this.storage = storageOrNull();
    this.state = this.load();
  }

  load() {
    try {
      const saved = JSON.parse(this.storage?.getItem(this.key) ?? "null");
      if (saved && Array.isArray(saved.messages)) {
        return {
          sessionId: typeof saved.sessionId === "string" ? saved.sessionId : null,
          messages: saved.messages.map(storedMessage).filter(Boolean),
          open: saved.open === true,
        };
      }
    } catch {
      // A corrupt entry starts a new conversation rather than breaking the page.
    }
    return emptyState();
  }

  save() {
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.state));
    } catch {
      // Storage full or unavailable: the conversation still works, it is just not kept.
    }
  }

  get sessionId() {
    return this.state.sessionId;
  }

  get messages() {
    return this.state.messages;
  }

  get open() {
    return this.state.open;
  }

  set open(value) {
    this.state.open = value;
    this.save();
  }

  /** Records the server's session id; a different one means a new conversation, so the old messages go. */
  confirm(sessionId) {
    if (this.state.sessionId && this.state.sessionId !== sessionId) this.state.messages = [];
    this.state.sessionId = sessionId;
    this.save();
  }

  /** "Start over": the messages go; the session id stays (the server restarts that conversation). */
  clear() {
    this.state.messages = [];
    this.save();
  }

  add(message) {
    this.state.messages.push(message);
    this.state.messages.splice(0, Math.max(0, this.state.messages.length - MAX_MESSAGES));
    this.save();
  }
}
