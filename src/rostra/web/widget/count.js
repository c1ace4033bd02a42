// Comment counts for index pages: every element with data-rostra-count="URL" (or a link with an empty
// data-rostra-count, which counts its href) gets "N comments", from one `counts` call for all of them.

import { translator } from "./i18n.js";

const MAX_URLS_PER_CALL = 100;

const script = document.currentScript;
const base = script && script.src ? script.src.replace(/\/[^/]*$/, "") : location.origin;

async function fill() {
  const t = translator(document.documentElement.lang);
  const elements = [...document.querySelectorAll("[data-rostra-count]")];
  const urlOf = (element) => new URL(element.dataset.rostraCount || element.getAttribute("href"), location.href).href;
  const urls = [...new Set(elements.map(urlOf))];
  for (let start = 0; start < urls.length; start += MAX_URLS_PER_CALL) {
    const answer = await fetch(`${base}/api/v1/counts`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ urls: urls.slice(start, start + MAX_URLS_PER_CALL) }),
    }).then((response) => response.json());
    for (const element of elements) {
      const count = answer.counts[urlOf(element)];
      if (count !== undefined) element.textContent = t("comments", { count });
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
else fill();
