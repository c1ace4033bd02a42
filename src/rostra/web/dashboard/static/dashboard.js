// Rostra moderation dashboard: keyboard shortcuts, in-place actions through the JSON API, and live
// updates from /admin/events. Written by hand and served as it is (no build step); every page also
// works without it, through the forms.
(() => {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
  const root = document.getElementById("queue");
  const toastBox = document.getElementById("toast");
  if (!root || !csrf) return;

  const queue = root.dataset.queue;
  const filtered = root.dataset.filtered === "true";
  const list = document.getElementById("cards");
  const drawer = document.getElementById("drawer");
  const help = document.getElementById("help");
  const bulk = document.getElementById("bulk");
  // Which statuses each queue shows (Reported: open reports, which any decision settles).
  const SHOWS = {pending: ["pending"], approved: ["approved"], rejected: ["rejected", "withheld"],
                 all: ["pending", "approved", "rejected", "withheld"], reported: []};
  const VERBS = {approve: "Approved", reject: "Rejected", feature: "Featured", unfeature: "Unfeatured",
                 restore: "Back to pending", withhold: "Withheld", edit: "Edited"};
  let current = null;
  let toastTimer = null;

  const cards = () => [...list.querySelectorAll("article.comment")];

  function toast(message) {
    toastBox.textContent = message;
    toastBox.classList.add("shown");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => toastBox.classList.remove("shown"), 4000);
  }

  function select(card) {
    if (current) current.classList.remove("selected");
    current = card || null;
    if (current) {
      current.classList.add("selected");
      current.focus({preventScroll: true});
      current.scrollIntoView({block: "nearest"});
    }
  }

  function move(step) {
    const all = cards();
    if (!all.length) return;
    const index = all.indexOf(current);
    select(all[Math.min(Math.max(index + step, 0), all.length - 1)] || all[0]);
  }

  function refreshEmpty() {
    document.getElementById("empty").hidden = cards().length > 0;
  }

  function bumpCount(name, change) {
    const badge = document.querySelector(`.tab[data-queue="${name}"] .count`);
    if (!badge || badge.textContent.endsWith("+")) return;
    const value = Math.max(0, Number(badge.dataset.count) + change);
    badge.dataset.count = String(value);
    badge.textContent = String(value);
  }

  function picked() {
    return cards().filter((card) => card.querySelector(".pick").checked);
  }

  function updateBulk() {
    const count = picked().length;
    bulk.hidden = count === 0;
    document.getElementById("bulk-count").textContent = String(count);
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body || {}),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.detail || `refused (${response.status})`);
    return answer;
  }

  function remove(card) {
    if (card === current) {
      const all = cards();
      const index = all.indexOf(card);
      select(all[index + 1] || all[index - 1] || null);
    }
    card.remove();
    refreshEmpty();
    updateBulk();
  }

  async function act(action, targets, text) {
    if (!targets.length) return;
    const reason = action === "reject" ? targets[0].querySelector(".reject-reason").value : undefined;
    try {
      const outcomes = await post("/api/v1/moderation/actions",
        {action, comment_ids: targets.map((card) => Number(card.dataset.id)), reason, text});
      let left = 0;
      for (const outcome of outcomes) {
        const card = document.getElementById(`comment-${outcome.comment_id}`);
        if (!card || !outcome.done) continue;
        if (SHOWS[queue].includes(outcome.status) && outcome.status === card.dataset.status) {
          await replace(card);
        } else {
          left += 1;
          remove(card);
        }
      }
      if (left) bumpCount(queue, -left);
      toast(`${VERBS[action]}: ${outcomes.filter((o) => o.done).length} comment(s). Press u to undo.`);
    } catch (error) {
      toast(error.message);
    }
  }

  async function fetchCards(ids) {
    const response = await fetch(`/admin/cards?ids=${ids.join(",")}`, {credentials: "same-origin"});
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();  // rendered and escaped by the server
    return [...holder.querySelectorAll("article.comment")];
  }

  async function replace(card) {
    const [fresh] = await fetchCards([card.dataset.id]);
    if (!fresh) return;
    const wasCurrent = card === current;
    card.replaceWith(fresh);
    if (wasCurrent) select(fresh);
  }

  async function undo() {
    try {
      const outcomes = await post("/api/v1/moderation/undo");
      await reload();
      toast(`Undone: ${outcomes.filter((o) => o.done).length} comment(s).`);
    } catch (error) {
      toast(error.message);
    }
  }

  async function reload() {
    // The page as the server renders it now: cards and counts, keeping the position.
    const index = Math.max(cards().indexOf(current), 0);
    const response = await fetch(location.href, {credentials: "same-origin"});
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    list.replaceChildren(...page.querySelectorAll("#cards article.comment"));
    for (const tab of page.querySelectorAll(".tab[data-queue]")) {
      const mine = document.querySelector(`.tab[data-queue="${tab.dataset.queue}"] .count`);
      const theirs = tab.querySelector(".count");
      if (mine && theirs) { mine.textContent = theirs.textContent; mine.dataset.count = theirs.dataset.count; }
    }
    refreshEmpty();
    select(cards()[Math.min(index, cards().length - 1)]);
  }

  async function ban(card) {
    // The abuse defences' sanction (refused on every write from then on), then their comment rejected.
    try {
      await post(`/api/v1/moderation/authors/${card.dataset.authorId}/sanctions`,
        {kind: "ban", reason: `banned from the moderation queue (comment ${card.dataset.id})`});
      toast(`Banned ${card.querySelector("a.author").textContent}.`);
      await act("reject", [card]);
    } catch (error) {
      toast(error.message);
    }
  }

  async function openDrawer(card) {
    if (!card) return;
    const response = await fetch(`/admin/authors/${card.dataset.authorId}?fragment=1`, {credentials: "same-origin"});
    drawer.innerHTML = await response.text();  // rendered and escaped by the server
    drawer.hidden = false;
  }

  function closeOverlays() {
    drawer.hidden = true;
    help.hidden = true;
  }

  // Live: a newly held (or, in Reported, newly reported) comment appears; one another moderator
  // decided leaves.
  function listen() {
    const source = new EventSource(`/admin/events?after=${Number(root.dataset.lastEvent) || 0}`);
    source.addEventListener("moderation", async (message) => {
      const event = JSON.parse(message.data);
      const card = event.comment_id && document.getElementById(`comment-${event.comment_id}`);
      const arrived = (queue === "pending" && event.kind === "comment.created" && event.status === "pending")
        || (queue === "reported" && event.kind === "report.created");
      if (arrived && !card && !filtered) {
        const [fresh] = await fetchCards([event.comment_id]);
        if (!fresh || document.getElementById(fresh.id)) return;
        fresh.classList.add("fresh");
        list.prepend(fresh);
        bumpCount(queue, 1);
        refreshEmpty();
        if (!current) select(fresh);
        return;
      }
      if (card && event.kind === "comment.status" && queue !== "reported" && !SHOWS[queue].includes(event.status)) {
        remove(card);
        bumpCount(queue, -1);
      }
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.classList.contains("act")) return;
    const action = event.submitter && event.submitter.value;
    if (!action) return;
    event.preventDefault();
    act(action, [form.closest("article.comment")], form.elements.text ? form.elements.text.value : undefined);
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.author");
    if (link && list.contains(link)) {
      event.preventDefault();
      const card = link.closest("article.comment");
      select(card);
      openDrawer(card);
      return;
    }
    const bulkButton = event.target.closest("[data-bulk]");
    if (bulkButton) act(bulkButton.dataset.bulk, picked());
    const card = event.target.closest("article.comment");
    if (card && card !== current && !event.target.closest("button, select, a")) select(card);
  });

  list.addEventListener("change", (event) => {
    if (event.target.classList.contains("pick")) updateBulk();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { closeOverlays(); document.activeElement.blur(); return; }
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const targets = picked().length ? picked() : (current ? [current] : []);
    const handlers = {
      j: () => move(1),
      k: () => move(-1),
      a: () => act("approve", targets),
      r: () => act("reject", targets),
      R: () => current && current.querySelector(".reject-reason").focus(),
      f: () => current && act(current.dataset.featured === "true" ? "unfeature" : "feature", [current]),
      b: () => current && ban(current),
      x: () => { if (current) { const box = current.querySelector(".pick"); box.checked = !box.checked; updateBulk(); } },
      o: () => openDrawer(current),
      u: undo,
      z: () => document.body.classList.toggle("single"),
      "/": () => document.getElementById("search").focus(),
      "?": () => { help.hidden = !help.hidden; },
    };
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });

  select(cards()[0]);
  listen();
})();
