// Turns the assistant's plain text into DOM nodes. Bot text is never parsed as HTML:
// every piece becomes a text node, a list item or a link built with createElement.

const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
// Punctuation that ends a sentence rather than the URL it follows.
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/;
const LIST_ITEM = /^\s*[-•]\s+/;

export function link(url, doc) {
  const anchor = doc.createElement("a");
  anchor.href = url;
  anchor.textContent = url;
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

/** One line of text as text nodes and links (http and https URLs only). */
export function inline(line, doc) {
  const fragment = doc.createDocumentFragment();
  let position = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    const url = withoutTrailingPunctuation(match[0]);
    if (!isWebAddress(url)) continue;
    fragment.append(doc.createTextNode(line.slice(position, match.index)));
    fragment.append(link(url, doc));
    position = match.index + url.length;
  }
  fragment.append(doc.createTextNode(line.slice(position)));
  return fragment;
}

/** A bot message: runs of "- " lines become a list, other lines paragraphs, URLs links. */
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
