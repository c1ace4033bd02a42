// The reader widget: a story's thread inside <div id="rostra-thread" data-rostra-url=... >, drawn in a
// Shadow DOM so the host page's styles and ours never meet. One page of comments is fetched at first
// paint; "load more", "show replies" and "continue this thread" follow the server's cursors.

import css from "./styles.css";
import { Offline, client, uuid } from "./api.js";
import { h, marked, uniqueId, utf16Offsets } from "./dom.js";
import { decorateForm, extraPostFields } from "./hooks.js";
import { translator } from "./i18n.js";

const PAGE_SIZE = 20; // top-level comments per page
const REPLIES_SHOWN = 3; // replies embedded under each comment
const NESTED_LEVELS = 2; // levels of replies fetched with a page
const REPLY_PAGE = 10; // replies per "show more replies"
const CONTINUE_AT_LEVEL = 4; // deeper replies open in their own view ("continue this thread")
const TIME_REFRESH_MS = 60_000;
const RELATIVE_UNITS = [
  ["year", 31_536_000],
  ["month", 2_592_000],
  ["week", 604_800],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

function scriptBase() {
  const script = document.currentScript;
  const source = script && script.src ? new URL(script.src) : new URL(location.href);
  return source.origin + source.pathname.replace(/\/[^/]*$/, "");
}

const BASE = scriptBase();

class Thread {
  constructor(host) {
    this.host = host;
    this.api = client(host.dataset.rostraHost || BASE);
    this.t = translator(host.dataset.rostraLang || document.documentElement.lang);
    this.sort = "newest";
    this.comments = new Map(); // id -> {data, element}
    this.reacted = new Set();
    this.waiting = []; // approved comments from other readers, shown on request
    this.shadow = host.shadowRoot || host.attachShadow({ mode: "open" });
    this.shadow.replaceChildren(h("style", null, css));
    this.root = h("section", { class: "rostra", lang: this.t.locale, "aria-label": this.t("regionLabel") });
    this.shadow.append(this.root);
    this.live = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    this.start();
  }

  // ---- loading ---------------------------------------------------------------------------------

  async start() {
    const { t } = this;
    this.root.replaceChildren(h("p", { class: "note" }, t("loading")), this.live);
    try {
      this.story = await this.api.story(this.host.dataset.rostraUrl || location.href.split("#")[0],
        this.host.dataset.rostraTitle || document.title);
      const [session] = await Promise.all([this.signInWithSite(), this.drawThread()]);
      this.account = session.account;
      this.drawComposer();
      this.listen();
    } catch (error) {
      this.root.replaceChildren(
        h("p", { class: "error", role: "alert" }, t("loadFailed"), " ", error.message),
        h("button", { type: "button", onclick: () => this.start() }, t("retry")),
        this.live,
      );
    }
  }

  // The site's own login: a token signed with the site's secret (data-rostra-sso) signs the reader in.
  async signInWithSite() {
    const token = this.host.dataset.rostraSso;
    if (token) {
      try {
        return await this.api.sso(this.story.id, token);
      } catch (error) {
        this.ssoError = this.t("ssoFailed", { detail: error.message });
      }
    }
    return this.api.session();
  }

  async drawThread() {
    const { t } = this;
    this.count = h("h2", { class: "count" });
    this.updateCount(this.story.comment_count);
    const sort = h("select", { id: uniqueId("sort"), onchange: (event) => this.resort(event.target.value) },
      ["newest", "oldest", "most_reacted"].map((value) =>
        h("option", { value, selected: value === this.sort }, t(`sort_${value}`))));
    this.composerSlot = h("div", { class: "composer" });
    this.banner = h("button", { type: "button", class: "banner", hidden: true, onclick: () => this.showWaiting() });
    this.list = h("ol", { class: "thread" });
    this.more = h("div", { class: "more" });
    this.threadView = h("div", null, this.banner, this.list, this.more);
    this.focusView = h("div", { hidden: true });
    this.root.replaceChildren(
      h("header", { class: "top" }, this.count,
        h("span", { class: "sort" }, h("label", { for: sort.id }, t("sortLabel")), sort)),
      this.composerSlot, this.threadView, this.focusView, this.live);
    await this.loadPage();
  }

  async loadPage(cursor) {
    const params = cursor ? { cursor } : { sort: this.sort, limit: PAGE_SIZE };
    const page = await this.api.page(this.story.id, { ...params, replies: REPLIES_SHOWN, depth: NESTED_LEVELS });
    if (!cursor) {
      this.list.replaceChildren();
      if (!page.items.length && !(page.own_held || []).length) this.list.append(h("li", { class: "note empty" }, this.t("empty")));
    }
    for (const item of page.items) this.list.append(this.drawComment(item, 0));
    for (const held of page.own_held || []) this.placeNew(held);
    this.drawMoreButton(this.more, page.next_cursor, this.t("loadMore"), (next) => this.loadPage(next));
    this.updateCount(this.story.comment_count);
  }

  drawMoreButton(slot, cursor, label, load) {
    slot.replaceChildren();
    if (!cursor) return;
    const button = h("button", { type: "button", class: "link" }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await load(cursor);
      } catch (error) {
        button.disabled = false;
        this.announce(this.t("error", { detail: error.message }));
      }
    });
    slot.append(button);
  }

  async resort(sort) {
    this.sort = sort;
    this.comments.clear();
    await this.loadPage();
  }

  updateCount(count) {
    this.story.comment_count = Math.max(count, 0);
    this.count.textContent = this.t("comments", { count: this.story.comment_count });
  }

  // ---- one comment -----------------------------------------------------------------------------

  drawComment(comment, level) {
    const { t } = this;
    const element = h("li", { class: "comment", id: `rostra-comment-${comment.id}`, "data-id": comment.id });
    const entry = { data: comment, element, level };
    this.comments.set(comment.id, entry);
    entry.article = h("article", { "aria-labelledby": `rostra-author-${comment.id}`, tabindex: "-1" });
    entry.replies = h("ol", { class: "replies" });
    entry.repliesMore = h("div", { class: "more" });
    element.append(entry.article);
    if (level >= CONTINUE_AT_LEVEL && comment.reply_count) {
      element.append(h("button", { type: "button", class: "link", onclick: () => this.focus(comment.id) },
        t("continueThread"), " →"));
    } else {
      for (const reply of comment.replies || []) entry.replies.append(this.drawComment(reply, level + 1));
      element.append(entry.replies, entry.repliesMore);
      this.drawRepliesButton(entry);
    }
    this.drawArticle(entry);
    return element;
  }

  drawRepliesButton(entry) {
    const { data } = entry;
    const remaining = (data.reply_count || 0) - entry.replies.children.length;
    this.drawMoreButton(entry.repliesMore, remaining > 0 ? data.replies_cursor : null,
      this.t("showReplies", { count: remaining }), (cursor) => this.loadReplies(entry, cursor));
  }

  async loadReplies(entry, cursor) {
    const { data } = entry;
    const page = await this.api.page(this.story.id, { cursor, limit: REPLY_PAGE, replies: REPLIES_SHOWN, depth: NESTED_LEVELS });
    for (const item of page.items) {
      if (!this.comments.has(item.id) || !this.comments.get(item.id).element.isConnected) {
        entry.replies.append(this.drawComment(item, entry.level + 1));
      }
    }
    data.replies_cursor = page.next_cursor;
    if (!page.next_cursor) data.reply_count = entry.replies.children.length;
    this.drawRepliesButton(entry);
  }

  drawArticle(entry) {
    const { t } = this;
    const comment = entry.data;
    const deleted = comment.status === "deleted";
    const header = h("header", { class: "meta" },
      h("span", { class: "author", id: `rostra-author-${comment.id}` }, deleted ? "—" : comment.author.name),
      !deleted && comment.author.registered && h("span", { class: "badge" }, t("registered")),
      this.time(comment.created_at),
      comment.edited_at && !deleted && h("span", { class: "edited", title: this.exact(comment.edited_at) }, t("edited")));
    const body = h("div", { class: deleted ? "body deleted" : "body" });
    if (deleted) body.textContent = t("deleted");
    else body.innerHTML = comment.body_html;
    entry.slot = h("div", { class: "slot" });
    entry.article.replaceChildren(...[header, this.heldNotice(comment), body, !deleted && this.actions(entry), entry.slot].filter(Boolean));
    entry.article.classList.toggle("held", comment.status !== "approved" && !deleted);
  }

  heldNotice(comment) {
    const { t } = this;
    if (comment.status === "pending" || comment.status === "withheld") {
      return h("p", { class: "notice", role: "note" }, h("strong", null, t("awaiting")), " ",
        t("heldBecause", { reasons: t.reasons(comment.held_because) }), " ", t("awaitingOnlyYou"));
    }
    if (comment.status === "rejected") {
      return h("p", { class: "notice rejected", role: "note" }, h("strong", null, t("rejected")), " ",
        t("rejectedBecause", { reasons: t.reasons(comment.held_because) }));
    }
    return null;
  }

  actions(entry) {
    const { t } = this;
    const comment = entry.data;
    const approved = comment.status === "approved";
    const editable = comment.own && comment.editable_until && new Date(comment.editable_until) > new Date();
    const liked = this.reacted.has(comment.id);
    return h("div", { class: "actions" },
      approved && h("button", { type: "button", "aria-pressed": String(liked), class: "like", onclick: () => this.toggleLike(entry) },
        liked ? t("liked") : t("like"), " ",
        h("span", { class: "likes", "aria-label": t("likes", { count: comment.reaction_count }) }, String(comment.reaction_count))),
      approved && !this.story.closed && h("button", { type: "button", onclick: () => this.openReply(entry) }, t("reply")),
      editable && h("button", { type: "button", onclick: () => this.openEdit(entry) }, t("edit")),
      comment.own && h("button", { type: "button", onclick: () => this.confirmDelete(entry) }, t("delete")),
      approved && !comment.own && h("button", { type: "button", onclick: () => this.openReport(entry) }, t("report")));
  }

  time(iso) {
    return h("time", { datetime: iso, title: this.exact(iso) }, this.relative(iso));
  }

  exact(iso) {
    return new Date(iso).toLocaleString(this.t.locale, { dateStyle: "long", timeStyle: "short" });
  }

  relative(iso) {
    const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
    const format = new Intl.RelativeTimeFormat(this.t.locale, { numeric: "auto" });
    for (const [unit, length] of RELATIVE_UNITS) {
      if (Math.abs(seconds) >= length) return format.format(-Math.round(seconds / length), unit);
    }
    return format.format(0, "second");
  }

  refreshTimes() {
    for (const time of this.root.querySelectorAll("time")) time.textContent = this.relative(time.getAttribute("datetime"));
  }

  replace(comment) {
    const entry = this.comments.get(comment.id);
    if (!entry) return;
    entry.data = { ...entry.data, ...comment, replies: entry.data.replies };
    this.drawArticle(entry);
  }

  // A comment that was not in the page: the reader's own, or a live one.
  placeNew(comment, fromOthers = false) {
    if (this.comments.has(comment.id)) return this.replace(comment);
    const parent = comment.parent_id && this.comments.get(comment.parent_id);
    if (comment.parent_id && !parent) return;
    const element = this.drawComment({ replies: [], reply_count: 0, ...comment }, parent ? parent.level + 1 : 0);
    if (fromOthers) element.classList.add("fresh");
    this.list.querySelector(".empty")?.remove();
    if (!parent) this.list.prepend(element);
    else if (parent.replies.isConnected) parent.replies.append(element);
    else parent.element.append(element);
  }

  // ---- writing ---------------------------------------------------------------------------------

  drawComposer() {
    const { t } = this;
    const who = this.account
      ? h("p", { class: "who" }, t("signedInAs", { name: this.account.display_name }), " ",
        h("button", { type: "button", class: "link", onclick: () => this.signOut() }, t("signOut")))
      : null;
    const ssoProblem = this.ssoError && h("p", { class: "error", role: "alert" }, this.ssoError);
    this.composerSlot.replaceChildren(...[ssoProblem, who].filter(Boolean),
      this.story.closed ? h("p", { class: "note" }, t("closed")) : this.form({ parent: null }));
  }

  async signOut() {
    await this.api.signOut();
    this.account = null;
    this.drawComposer();
  }

  // A post or reply form; the nudge runs once per form before posting.
  form({ parent }) {
    const { t } = this;
    const textId = uniqueId("text");
    const textarea = h("textarea", { id: textId, name: "body", rows: parent ? 3 : 4, required: true });
    const backdrop = h("div", { class: "backdrop", "aria-hidden": "true" });
    const nudge = h("div", { class: "nudge", role: "alert", hidden: true });
    const error = h("p", { class: "error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary" }, parent ? t("postReply") : t("post"));
    const fields = [];
    if (!this.account) {
      const nameId = uniqueId("name");
      const emailId = uniqueId("email");
      fields.push(h("div", { class: "guest" },
        h("span", null, h("label", { for: nameId }, t("nameLabel")),
          h("input", { id: nameId, name: "author_name", autocomplete: "name", maxlength: 64, value: localStorage.getItem("rostra-name") || "" })),
        h("span", null, h("label", { for: emailId }, t("emailLabel")),
          h("input", { id: emailId, name: "author_email", type: "email", autocomplete: "email" }))));
    }
    const form = h("form", { class: "compose", novalidate: true },
      h("label", { for: textId }, parent ? t("replyLabel", { name: parent.data.author.name }) : t("formLabel")),
      h("div", { class: "editor" }, backdrop, textarea),
      h("details", null, h("summary", null, t("helpSummary")), h("p", null, t("help"))),
      fields, nudge, error,
      h("div", { class: "buttons" }, submit,
        parent && h("button", { type: "button", onclick: () => this.closeSlot(parent) }, t("cancel"))));
    decorateForm(form);
    const attempt = { key: null, body: null, nudged: false };
    textarea.addEventListener("input", () => backdrop.replaceChildren());
    textarea.addEventListener("scroll", () => { backdrop.scrollTop = textarea.scrollTop; });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = textarea.value;
      error.textContent = "";
      if (!body.trim()) {
        textarea.focus();
        return;
      }
      if (attempt.body !== body) Object.assign(attempt, { key: uuid(), body });
      const values = { body, parent_id: parent ? parent.data.id : undefined };
      if (!this.account) {
        values.author_name = form.elements.author_name.value.trim() || undefined;
        values.author_email = form.elements.author_email.value.trim() || undefined;
        if (values.author_name) localStorage.setItem("rostra-name", values.author_name);
      }
      submit.disabled = true;
      submit.textContent = t("posting");
      try {
        if (!attempt.nudged) {
          attempt.nudged = true;
          const preview = await this.api.preview(this.story.id, { body, parent_id: values.parent_id }).catch(() => null);
          if (preview && preview.nudge) {
            this.showNudge(preview, body, textarea, backdrop, nudge);
            return;
          }
        }
        const comment = await this.api.post(this.story.id, { ...values, ...extraPostFields(form) }, attempt.key);
        Object.assign(attempt, { key: null, body: null, nudged: false });
        textarea.value = "";
        backdrop.replaceChildren();
        nudge.hidden = true;
        const counted = this.takeWaiting(comment.id) || this.comments.has(comment.id);
        this.placeNew(comment);
        if (comment.status === "approved" && !counted) this.updateCount(this.story.comment_count + 1);
        this.announce(comment.status === "approved" ? t("posted") : t("postedHeld"));
        if (parent) this.closeSlot(parent);
        this.comments.get(comment.id)?.article.focus();
      } catch (problem) {
        error.textContent = problem instanceof Offline ? t("offline") : t("error", { detail: problem.message });
      } finally {
        submit.disabled = false;
        submit.textContent = parent ? t("postReply") : t("post");
      }
    });
    return form;
  }

  showNudge(preview, body, textarea, backdrop, nudge) {
    const { t } = this;
    const spans = utf16Offsets(body, preview.reasons.flatMap((reason) => reason.spans));
    backdrop.replaceChildren(...marked(body, spans));
    const words = [...new Set(spans.map(([start, end]) => body.slice(start, end)))];
    nudge.replaceChildren(
      h("p", null, t("nudge", { reasons: t.reasons(preview.reasons.map((reason) => reason.attribute)) })),
      words.length ? h("p", { class: "words" }, t("nudgeWords", { words: "" }), ...words.map((word, index) => [index ? ", " : "", h("mark", null, word)])) : null,
      h("button", { type: "submit" }, t("postAnyway")));
    nudge.hidden = false;
    if (spans.length) textarea.setSelectionRange(spans[0][0], spans[0][1]);
    textarea.focus();
  }

  closeSlot(entry) {
    entry.slot.replaceChildren();
    entry.article.querySelector(".actions button")?.focus();
  }

  openReply(entry) {
    const form = this.form({ parent: entry });
    entry.slot.replaceChildren(form);
    form.querySelector("textarea").focus();
  }

  async openEdit(entry) {
    const { t } = this;
    const current = await this.api.comment(entry.data.id);
    const textId = uniqueId("edit");
    const textarea = h("textarea", { id: textId, rows: 4 });
    textarea.value = current.body_markdown || "";
    const error = h("p", { class: "error", role: "alert" });
    const form = h("form", { class: "compose" },
      h("label", { for: textId }, t("edit")), textarea, error,
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("save")),
        h("button", { type: "button", onclick: () => this.closeSlot(entry) }, t("cancel"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const comment = await this.api.edit(entry.data.id, textarea.value);
        this.replace(comment);
        this.announce(comment.status === "approved" ? t("saved") : t("postedHeld"));
      } catch (problem) {
        error.textContent = t("error", { detail: problem.message });
      }
    });
    entry.slot.replaceChildren(form);
    textarea.focus();
  }

  confirmDelete(entry) {
    const { t } = this;
    const yes = h("button", { type: "button", class: "danger" }, t("yes"));
    yes.addEventListener("click", async () => {
      await this.api.remove(entry.data.id);
      if (entry.data.status === "approved") this.updateCount(this.story.comment_count - 1);
      this.replace({ id: entry.data.id, status: "deleted", body_html: "", author: null });
      this.announce(t("deletedNotice"));
    });
    entry.slot.replaceChildren(h("p", { class: "confirm", role: "group" }, t("deleteConfirm"), " ", yes, " ",
      h("button", { type: "button", onclick: () => this.closeSlot(entry) }, t("no"))));
    yes.focus();
  }

  async toggleLike(entry) {
    const id = entry.data.id;
    const answer = this.reacted.has(id) ? await this.api.unreact(id) : await this.api.react(id, "like");
    if (answer.kind) this.reacted.add(id);
    else this.reacted.delete(id);
    entry.data.reaction_count = answer.reaction_count;
    this.drawArticle(entry);
    entry.article.querySelector(".like").focus();
  }

  openReport(entry) {
    const { t } = this;
    const reasonId = uniqueId("reason");
    const noteId = uniqueId("note");
    const reason = h("select", { id: reasonId, name: "reason" },
      ["offensive", "abusive", "spam", "off_topic", "other"].map((value) => h("option", { value }, t(`reason_${value}`))));
    const note = h("input", { id: noteId, name: "note", maxlength: 1000 });
    const error = h("p", { class: "error", role: "alert" });
    const form = h("form", { class: "report" },
      h("label", { for: reasonId }, t("reportReason")), reason,
      h("label", { for: noteId }, t("reportNote")), note, error,
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("reportSend")),
        h("button", { type: "button", onclick: () => this.closeSlot(entry) }, t("cancel"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await this.api.report(entry.data.id, reason.value, note.value.trim());
        entry.slot.replaceChildren(h("p", { class: "note" }, t("reportThanks")));
        this.announce(t("reportThanks"));
      } catch (problem) {
        error.textContent = t("error", { detail: problem.message });
      }
    });
    entry.slot.replaceChildren(form);
    reason.focus();
  }

  // ---- continue this thread --------------------------------------------------------------------

  focus(id) {
    const { t } = this;
    const entry = this.comments.get(id);
    const list = h("ol", { class: "thread" });
    const back = h("button", { type: "button", class: "link", onclick: () => this.unfocus(entry) }, "← ", t("backToAll"));
    this.focusView.replaceChildren(back, list);
    list.append(this.drawComment({ ...entry.data }, 0));
    const focused = this.comments.get(id);
    if (!focused.replies.children.length && entry.data.replies_cursor) this.loadReplies(focused, entry.data.replies_cursor);
    this.threadView.hidden = true;
    this.focusView.hidden = false;
    back.focus();
  }

  // Back to the whole thread: the comment's place there is the one live updates reach again.
  unfocus(entry) {
    this.comments.set(entry.data.id, entry);
    this.focusView.hidden = true;
    this.focusView.replaceChildren();
    this.threadView.hidden = false;
    entry.element.querySelector("button.link")?.focus();
  }

  // ---- live ------------------------------------------------------------------------------------

  listen() {
    if (!window.EventSource) return;
    const source = new EventSource(this.api.eventsUrl(this.story.id), { withCredentials: true });
    const on = (kind, handle) => source.addEventListener(kind, (message) => handle(JSON.parse(message.data)));
    for (const kind of ["comment.created", "comment.edited", "comment.status"]) {
      on(kind, (comment) => (comment.status === "approved" ? this.arrived(comment) : this.withdrawn(comment)));
    }
    on("comment.deleted", ({ comment_id }) => {
      this.takeWaiting(comment_id);
      const entry = this.comments.get(comment_id);
      if (entry && entry.data.status !== "deleted") {
        if (entry.data.status === "approved") this.updateCount(this.story.comment_count - 1);
        this.replace({ id: comment_id, status: "deleted", body_html: "", author: null });
      }
    });
    on("reaction.changed", ({ comment_id, reaction_count }) => {
      const entry = this.comments.get(comment_id);
      if (entry && entry.data.reaction_count !== reaction_count) {
        entry.data.reaction_count = reaction_count;
        entry.article.querySelector(".likes")?.replaceChildren(String(reaction_count));
      }
    });
    this.source = source;
    setInterval(() => this.refreshTimes(), TIME_REFRESH_MS);
  }

  // An approved comment from the stream: an edit of one shown, or a new one (a reply goes under its
  // parent at once; a top-level one waits behind "N new comments — show").
  arrived(event) {
    const { own, ...comment } = event; // the stream speaks to everyone: whether it is ours stays as we know it
    const entry = this.comments.get(comment.id);
    if (entry) {
      const known = entry.data;
      if (known.status === "approved" && known.body_html === comment.body_html && known.edited_at === comment.edited_at) {
        return; // our own post coming back: already drawn (redrawing would lose what the reader is doing)
      }
      if (known.status !== "approved") this.updateCount(this.story.comment_count + 1);
      this.replace(comment);
      return;
    }
    if (this.waiting.some((waiting) => waiting.id === comment.id)) return;
    this.updateCount(this.story.comment_count + 1);
    if (comment.parent_id) {
      this.placeNew(comment, true);
      this.announce(this.t("announceNew", { count: 1 }));
      return;
    }
    this.waiting.push(comment);
    this.banner.textContent = this.t("newComments", { count: this.waiting.length });
    this.banner.hidden = false;
    this.announce(this.t("announceNew", { count: this.waiting.length }));
  }

  // A comment no longer approved (held after an edit, withheld by a moderator): gone from others' pages.
  withdrawn({ id, status }) {
    this.takeWaiting(id);
    const entry = this.comments.get(id);
    if (!entry || entry.data.status !== "approved") return;
    this.updateCount(this.story.comment_count - 1);
    if (entry.data.own) this.replace({ id, status });
    else {
      entry.element.remove();
      this.comments.delete(id);
    }
  }

  // Our own post may reach us through the stream before its answer does: take it back from there.
  takeWaiting(id) {
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((comment) => comment.id !== id);
    if (this.waiting.length === before) return false;
    this.banner.textContent = this.t("newComments", { count: this.waiting.length });
    this.banner.hidden = !this.waiting.length;
    return true;
  }

  showWaiting() {
    for (const comment of this.waiting) this.placeNew(comment, true);
    this.waiting = [];
    this.banner.hidden = true;
    this.list.querySelector("li article")?.focus();
  }

  announce(text) {
    // Cleared first so the same message twice is read out twice.
    this.live.textContent = "";
    setTimeout(() => { this.live.textContent = text; }, 50);
  }
}

function mount() {
  for (const host of document.querySelectorAll("#rostra-thread, [data-rostra-thread]")) {
    if (!host.rostra) host.rostra = new Thread(host);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
