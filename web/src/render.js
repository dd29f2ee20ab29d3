// Turns the assistant's plain text into DOM nodes. Bot text is never parsed as HTML:
// every piece becomes a text node, a list item or a link built with createElement.

// A link as advisor/render.py writes it (LINK there): [title](https://url).
const NAMED_LINK = /\[([^[\]\n]+)\]\((https?:\/\/[^\s()]+)\)/g;
const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
// Punctuation that ends a sentence rather than the URL it follows.
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/;
const LIST_ITEM = /^\s*[-•]\s+/;

/** A link that opens in a new tab, named by `title` (a source's title; a bare URL is its own title). */
export function link(url, title, doc) {
  const anchor = doc.createElement("a");
  anchor.href = url;
  anchor.textContent = title;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  const hint = doc.createElement("span");
  hint.className = "visually-hidden";
  hint.textContent = " (opens in a new tab)";
  anchor.append(hint);
  return anchor;
}

function withoutTrailingPunctuation(candidate) {
  let url = candidate.replace(TRAILING_PUNCTUATION, "");
  // A closing bracket belongs to the URL only if the URL opened one, as in Wikipedia links.
  while (url.endsWith(")") && (url.match(/\(/g) || []).length < (url.match(/\)/g) || []).length) {
    url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, "");
  }
  return url;
}

function isWebAddress(url) {
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/** Text with bare http(s) URLs as links named by themselves. */
function withBareLinks(text, doc) {
  const fragment = doc.createDocumentFragment();
  let position = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = withoutTrailingPunctuation(match[0]);
    if (!isWebAddress(url)) continue;
    fragment.append(doc.createTextNode(text.slice(position, match.index)));
    fragment.append(link(url, url, doc));
    position = match.index + url.length;
  }
  fragment.append(doc.createTextNode(text.slice(position)));
  return fragment;
}

/** One line of text as text nodes and links: [title](url) named by its title, bare http(s) URLs by themselves. */
export function inline(line, doc) {
  const fragment = doc.createDocumentFragment();
  let position = 0;
  for (const match of line.matchAll(NAMED_LINK)) {
    const [whole, title, url] = match;
    if (!isWebAddress(url)) continue;
    fragment.append(withBareLinks(line.slice(position, match.index), doc));
    fragment.append(link(url, title, doc));
    position = match.index + whole.length;
  }
  fragment.append(withBareLinks(line.slice(position), doc));
  return fragment;
}

/** A bot message: runs of "- " lines become a list, other lines paragraphs, links as in `inline`. */
export function richText(text, doc) {
  const fragment = doc.createDocumentFragment();
  let list = null;
  for (const line of String(text).split("\n")) {
    if (LIST_ITEM.test(line)) {
      if (!list) {
        list = doc.createElement("ul");
        fragment.append(list);
      }
      const item = doc.createElement("li");
      item.append(inline(line.replace(LIST_ITEM, ""), doc));
      list.append(item);
      continue;
    }
    list = null;
    if (!line.trim()) continue;
    const paragraph = doc.createElement("p");
    paragraph.append(inline(line, doc));
    fragment.append(paragraph);
  }
  return fragment;
}

/** What a screen reader should hear for `text`: links by their titles, one line per paragraph. */
export function spokenText(text) {
  return String(text)
    .replace(NAMED_LINK, "$1")
    .split("\n")
    .map((line) => line.replace(LIST_ITEM, "").trim())
    .filter(Boolean)
    .join(" ");
}

const PAGE_STYLE = `
body { font-family: system-ui, Arial, sans-serif; line-height: 1.5; color: #212b32; max-width: 44rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { color: #005eb8; font-size: 1.5rem; }
a { color: #005eb8; }
section { margin: 0 0 1.25rem; }
.meta { color: #4c6272; }
.visually-hidden { display: none; }
@media print {
  body { margin: 0; max-width: none; }
  a { color: inherit; }
  a::after { content: " (" attr(href) ")"; word-break: break-all; }
  section { break-inside: avoid; }
}`;

/**
 * The route advice as a page of its own, to download or print: title, date given, the advice with its
 * sources as links (their URLs printed after them on paper), and a note. Built as DOM and serialised,
 * so the advice text is escaped like everywhere else; the page has no script.
 */
export function advicePage(paragraphs, { title, note, given }) {
  const page = document.implementation.createHTMLDocument(title);
  page.documentElement.lang = "en-GB";
  const charset = page.createElement("meta");
  charset.setAttribute("charset", "utf-8");
  const style = page.createElement("style");
  style.textContent = PAGE_STYLE;
  page.head.prepend(charset);
  page.head.append(style);
  const heading = page.createElement("h1");
  heading.textContent = title;
  const date = page.createElement("p");
  date.className = "meta";
  date.textContent = `Given on ${given.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })}.`;
  page.body.append(heading, date);
  for (const text of paragraphs) {
    const section = page.createElement("section");
    section.append(richText(text, page));
    page.body.append(section);
  }
  const footer = page.createElement("p");
  footer.className = "meta";
  footer.textContent = note;
  page.body.append(footer);
  return `<!doctype html>\n${page.documentElement.outerHTML}\n`;
}
