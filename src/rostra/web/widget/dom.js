// A few DOM helpers: elements built from data never go through innerHTML, except a comment's body,
// which the server has already rendered and sanitized (nh3) before storing it.

let sequence = 0;

export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// `count` random bytes as hexadecimal (keys that must not be guessed).
export function randomHex(count) {
  return Array.from(crypto.getRandomValues(new Uint8Array(count)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function uniqueId(prefix) {
  sequence += 1;
  return `rostra-${prefix}-${sequence}`;
}

// Engine spans are code-point offsets; JavaScript strings index UTF-16 units.
export function utf16Offsets(text, spans) {
  const units = [0];
  for (const character of text) units.push(units[units.length - 1] + character.length);
  const at = (offset) => units[Math.min(offset, units.length - 1)];
  return spans.map(([start, end]) => [at(start), at(end)]);
}

// `text` as nodes with <mark> around the spans (overlapping spans merged).
export function marked(text, spans) {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const nodes = [];
  let position = 0;
  for (const [start, end] of sorted) {
    if (end <= position) continue;
    const from = Math.max(start, position);
    nodes.push(text.slice(position, from), h("mark", null, text.slice(from, end)));
    position = end;
  }
  nodes.push(text.slice(position));
  return nodes;
}
