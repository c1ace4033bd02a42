// What the abuse defences learn from the widget, besides the text and the author: a honeypot field
// that people never see (a script filling every field fills it), how long the form was open before
// it was sent (faster than anyone types is a script), and a browser key kept in local storage, so a
// guest who loses the session cookie is still the same guest (and still under any sanction).
import { h, randomHex } from "./dom.js";

const BROWSER_KEY = "rostra-browser-key";
const BROWSER_KEY_BYTES = 16;
const shownAt = new WeakMap();

// The reader's browser key, made on first use; null where local storage is refused.
export function browserKey() {
  try {
    let key = localStorage.getItem(BROWSER_KEY);
    if (!key) {
      key = randomHex(BROWSER_KEY_BYTES);
      localStorage.setItem(BROWSER_KEY, key);
    }
    return key;
  } catch {
    return null;
  }
}

// Adds the honeypot to a post or reply form and notes when the form was shown. The field is off
// screen, out of the tab order and hidden from screen readers, so no person fills it.
export function decorateForm(form) {
  form.append(h("div", { class: "hp", "aria-hidden": "true" },
    h("label", null, "Leave this field empty",
      h("input", { name: "rostra_hp", tabindex: "-1", autocomplete: "off" }))));
  shownAt.set(form, Date.now());
}

export const postFieldProviders = [
  (form) => ({ hp: (form.elements.rostra_hp && form.elements.rostra_hp.value) || undefined }),
  (form) => ({ elapsed_ms: shownAt.has(form) ? Date.now() - shownAt.get(form) : undefined }),
  () => ({ browser_key: browserKey() || undefined }),
];

export function extraPostFields(form) {
  return Object.assign({}, ...postFieldProviders.map((provider) => provider(form)));
}
