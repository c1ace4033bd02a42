"""The streaming import core every format shares: batches, threads, authors, scoring and writing.

A format reader yields `Comment` and `BadRecord` items in file order; `Importer.run` takes them in
batches of `BATCH_SIZE` and, per batch:

1. skips what the database already holds (by source and source id: re-running adds nothing, and an
   interrupted import simply runs again) and names duplicates within this run;
2. places each reply under its parent, found in the batch or the database; a reply whose parent has
   not come yet waits (sources need not list parents first) and is named at the end if it never does;
   a reply to a skipped record is skipped too, so no thread has a reply without its parent;
3. scores the batch with the engine's batch path (`moderate_many`), keeping the original status and
   storing the engine's would-be status in `import_engine_status`;
4. writes stories, authors, comments and their moderation-log entries in one transaction.

Memory holds one batch, the story ids, the keys of skipped records and the replies still waiting,
never the whole file.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, func, insert, or_, select, text, update

from rostra.actions.moderation import DECISION_STATUS
from rostra.actions.stories import DEFAULT_SITE
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.moderation import CommentInput, StoryContext, Verdict
from rostra.render import render_comment
from rostra.store import Store
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import (
    COMMENT_STATUSES,
    authors,
    comments,
    import_runs,
    instance,
    moderation_log,
    sites,
    stories,
)
from rostra.store.urls import BadURL, canonical_url

log = logging.getLogger("rostra.importers")

BATCH_SIZE = 500
IMPORT_ACTOR = "rostra-import"
IMPORTED_GUEST_PREFIX = "imported:"  # imported authors have no session: this key can never be a cookie's
GUEST_KEY_HASH_CHARS = 48
DERIVED_ID_HASH_CHARS = 16
UNNAMED_AUTHOR = "Guest"
NATIVE_SOURCE_PREFIX = "rostra-"
INSTANCE_ID_CHARS = 12
ENGINE_ERROR_REASONS = [{"attribute": "engine_error", "score": 1.0, "spans": [], "phase": "engine"}]

Ref = tuple[str, str]  # (source, the source's id)


class ImportHalted(Exception):
    """The import cannot start (unknown site) or was stopped (`--strict`); the message says why."""


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    strict: bool = False
    merge_authors_by_email: bool = True  # off for the Rostra format, whose authors carry exact ids


@dataclass(frozen=True)
class Disagreement:
    """An imported comment whose kept status is not what the engine would have decided."""

    key: str
    where: str
    story_url: str
    kept: str
    engine: str
    reasons: list[dict]


@dataclass
class ImportSummary:
    format: str
    dry_run: bool = False
    run_id: int | None = None
    unfinished_runs: list[int] = field(default_factory=list)  # earlier runs of this file that did not finish
    records: int = 0
    imported: int = 0
    already_present: int = 0
    skipped: int = 0
    stories_created: int = 0
    authors_created: int = 0
    disagreements: int = 0
    stopped: str | None = None  # why the import ended early, if it did


@dataclass(frozen=True)
class _Known:
    """A comment a reply may hang under: in the database, or (dry run) one that would have been."""

    id: int | None
    story_url: str
    depth: int
    body: str


@dataclass
class _Placed:
    """A comment of this batch with its thread position resolved, on its way to the database."""

    comment: Comment
    ref: Ref
    story_url: str
    depth: int
    parent: _Known | None = None  # a parent outside the batch
    parent_in_batch: _Placed | None = None
    moderated: dict = field(default_factory=dict)
    id: int | None = None


def _ref(source: str, key: str) -> Ref:
    return (source, key)


def _digest(text: str, chars: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:chars]


class Importer:
    """Imports one stream of records into `store` for a site; see the module docstring."""

    def __init__(
        self,
        store: Store,
        engine,
        format_name: str,
        site_id: int,
        options: ImportOptions = ImportOptions(),
        on_error: Callable[[BadRecord], None] | None = None,
        on_disagreement: Callable[[Disagreement], None] | None = None,
        on_batch: Callable[[ImportSummary], None] | None = None,
    ):
        self.store, self.engine, self.format, self.options = store, engine, format_name, options
        self.on_error = on_error or (lambda error: None)
        self.on_disagreement = on_disagreement or (lambda disagreement: None)
        self.on_batch = on_batch or (lambda summary: None)
        self.summary = ImportSummary(format_name, dry_run=options.dry_run)
        self._skipped: set[Ref] = set()
        self._waiting: dict[Ref, list[Comment]] = {}
        self._planned: dict[Ref, _Known] = {}  # dry runs only: what earlier batches would have written
        self._story_ids: dict[str, int] = {}
        self._lone_stories: list[Story] = []  # stories listed on their own (Rostra format), in file order
        self._site_id = site_id
        self._own_origin: str | None = None

    # -- the run --------------------------------------------------------------------------------

    def run(self, items: Iterable[Comment | BadRecord], file_name: str, file_bytes: int) -> ImportSummary:
        with self.store.write() as connection:
            self._own_origin = instance_origin(connection)
        if not self.options.dry_run:
            self._start_run(file_name, file_bytes)
        state = "finished"
        try:
            batch: list[Comment] = []
            try:
                for item in items:
                    if isinstance(item, Story):
                        self._lone_stories.append(item)
                        continue
                    self.summary.records += 1
                    if isinstance(item, BadRecord):
                        self._skip(item, item.source or self.format)
                        continue
                    batch.append(item)
                    if len(batch) >= BATCH_SIZE:
                        self._flush(batch)
                        batch = []
            except BadFile as error:
                self.summary.stopped = str(error)
                state = "failed"
            self._flush(batch)
            self._skip_orphans()
        except ImportHalted as stop:
            self.summary.stopped = str(stop)
            state = "stopped"
        except BaseException:  # interrupted (Ctrl-C) or broken: the run row says so; running again resumes
            state = "failed"
            raise
        finally:
            if not self.options.dry_run:
                self._finish_run(state)
        return self.summary

    def _skip(self, error: BadRecord, source: str) -> None:
        if self.options.strict:
            raise ImportHalted(f"stopped at the first bad record (--strict): {error}")
        self.summary.skipped += 1
        if error.key is not None:
            self._skipped.add(_ref(source, error.key))
        self.on_error(error)

    def _skip_orphans(self) -> None:
        """Replies whose parent never came: named now, with the replies under them."""
        waiting = self._waiting
        self._waiting = {}
        waiting_refs = {self._comment_ref(reply) for replies in waiting.values() for reply in replies}
        for parent, replies in waiting.items():
            for reply in replies:
                if parent in waiting_refs:
                    message = f"replies to {parent[1]}, which was skipped (no parent of its own)"
                else:
                    message = f"no comment {parent[1]} in the file or the database"
                self._skip(BadRecord(reply.where, "parent", message, key=reply.key), self._source(reply))

    # -- one batch ------------------------------------------------------------------------------

    def _source(self, comment: Comment) -> str:
        return comment.source or self.format

    def _comment_ref(self, comment: Comment) -> Ref:
        return _ref(self._source(comment), comment.key)

    def _parent_ref(self, comment: Comment) -> Ref | None:
        if comment.parent_key is None:
            return None
        return _ref(comment.parent_source or self._source(comment), comment.parent_key)

    def _flush(self, batch: list[Comment]) -> None:
        while batch or self._lone_stories:
            placed = self._place(batch)
            self._score(placed)
            self._write(placed)
            self.on_batch(self.summary)
            # Replies that waited for a comment of this batch go in the next round.
            batch = [reply for item in placed for reply in self._waiting.pop(item.ref, [])]

    def _place(self, batch: list[Comment]) -> list[_Placed]:
        """The batch's new comments in an order that writes each parent before its replies."""
        fresh: dict[Ref, tuple[Comment, str]] = {}
        for comment in batch:
            ref = self._comment_ref(comment)
            story_url = self._story_url(comment)
            if story_url is None:
                continue
            problem = _check(comment)
            if problem:
                self._skip(BadRecord(comment.where, problem[0], problem[1], key=comment.key), ref[0])
            elif ref in fresh or ref in self._planned:
                self._skip(BadRecord(comment.where, comment.key_field, f"duplicate id {comment.key!r} in this file"),
                           ref[0])
            else:
                fresh[ref] = (comment, story_url)
        present = self._known(list(fresh), with_run=True)
        for ref, (_, run_id) in present.items():
            comment = fresh.pop(ref)[0]
            if run_id is not None and run_id == self.summary.run_id:
                self._skip(BadRecord(comment.where, comment.key_field, f"duplicate id {comment.key!r} in this file"),
                           ref[0])
            else:
                self.summary.already_present += 1
        outside = {parent for comment, _ in fresh.values()
                   if (parent := self._parent_ref(comment)) is not None and parent not in fresh}
        parents = {ref: known for ref, (known, _) in self._known(list(outside)).items()}
        parents.update({ref: self._planned[ref] for ref in outside if ref in self._planned})

        placed: dict[Ref, _Placed] = {}
        pending = list(fresh.items())
        while pending:
            progress, later = False, []
            for ref, (comment, story_url) in pending:
                parent_ref = self._parent_ref(comment)
                item = _Placed(comment, ref, story_url, depth=0)
                if parent_ref is None:
                    placed[ref], progress = item, True
                    continue
                if parent_ref in self._skipped:
                    self._skip(BadRecord(comment.where, "parent",
                                         f"replies to {parent_ref[1]}, which was skipped", key=comment.key),
                               ref[0])
                    progress = True
                    continue
                if parent_ref in fresh and parent_ref not in placed:
                    later.append((ref, (comment, story_url)))
                    continue
                parent_story, parent_depth = self._parent_position(parent_ref, placed, parents, item)
                if parent_story is None:
                    self._waiting.setdefault(parent_ref, []).append(comment)
                    progress = True
                    continue
                if parent_story != story_url:
                    self._skip(BadRecord(comment.where, "parent",
                                         f"comment {parent_ref[1]} belongs to another story ({parent_story})",
                                         key=comment.key), ref[0])
                    progress = True
                    continue
                item.depth = parent_depth + 1
                placed[ref], progress = item, True
            if not progress:  # replies to each other in a circle: they wait, and are named at the end
                for _, (comment, _) in later:
                    self._waiting.setdefault(self._parent_ref(comment), []).append(comment)
                break
            pending = later
        return list(placed.values())

    def _parent_position(self, parent_ref: Ref, placed: dict[Ref, _Placed], parents: dict[Ref, _Known],
                         item: _Placed) -> tuple[str | None, int]:
        if parent_ref in placed:
            parent = placed[parent_ref]
            item.parent_in_batch = parent
            return parent.story_url, parent.depth
        known = parents.get(parent_ref)
        if known is None:
            return None, 0
        item.parent = known
        return known.story_url, known.depth

    def _story_url(self, comment: Comment) -> str | None:
        try:
            return canonical_url(comment.story.url)
        except BadURL as error:
            self._skip(BadRecord(comment.where, comment.story.url_field, f"{comment.story.url!r} {error}",
                                 key=comment.key), self._source(comment))
            return None

    def _matching(self, table, refs: Iterable[Ref]):
        """A WHERE clause for the rows of `table` (comments or authors) with these refs. Refs in this
        database's own name (its export re-imported) are its own rows, found by id."""
        by_source: dict[str, list[str]] = {}
        for source, key in refs:
            by_source.setdefault(source, []).append(key)
        clauses = []
        for source, keys in by_source.items():
            if source == self._own_origin:
                ids = [int(key) for key in keys if key.isdigit()]
                clauses.append(and_(table.c.source.is_(None), table.c.id.in_(ids)))
            else:
                clauses.append(and_(table.c.source == source, table.c.external_id.in_(keys)))
        return or_(*clauses)

    def _row_ref(self, row) -> Ref:
        return _ref(row.source, row.external_id) if row.source is not None else _ref(self._own_origin, str(row.id))

    def _known(self, refs: list[Ref], with_run: bool = False) -> dict[Ref, tuple[_Known, int | None]]:
        """Comments already in the database among `refs`, with the run that imported each."""
        if not refs:
            return {}
        query = (
            select(comments.c.source, comments.c.external_id, comments.c.id, comments.c.depth,
                   comments.c.body_markdown, comments.c.import_run_id, stories.c.url)
            .join_from(comments, stories, comments.c.story_id == stories.c.id)
            .where(self._matching(comments, refs))
        )
        with self.store.read() as connection:
            rows = connection.execute(query).all()
        return {
            self._row_ref(row): (_Known(row.id, row.url, row.depth, row.body_markdown),
                                 row.import_run_id if with_run else None)
            for row in rows
        }

    # -- scoring --------------------------------------------------------------------------------

    def _score(self, placed: list[_Placed]) -> None:
        """The engine's verdict for every comment with text, in one batch call."""
        scored = [item for item in placed if item.comment.status != "deleted"]
        inputs = [CommentInput(item.comment.body, story=StoryContext(item.comment.story.title or item.story_url),
                               parent_text=_parent_text(item)) for item in scored]
        try:
            verdicts: list[Verdict | None] = list(self.engine.moderate_many(inputs)) if inputs else []
        except Exception as error:  # the archive still moves in; a moderator sees why it was not scored
            log.error("moderation engine failed on an import batch (%s)", type(error).__name__)
            verdicts = [None] * len(scored)
        for item, verdict in zip(scored, verdicts, strict=True):
            if verdict is None:
                item.moderated = {"moderation_scores": {}, "moderation_reasons": ENGINE_ERROR_REASONS,
                                  "moderation_model": None, "import_engine_status": None}
                continue
            summary = verdict.to_json()
            engine_status = DECISION_STATUS[verdict.decision]
            item.moderated = {"moderation_scores": summary["scores"], "moderation_reasons": summary["reasons"],
                              "moderation_model": verdict.model, "import_engine_status": engine_status}
            if engine_status != item.comment.status:
                self.summary.disagreements += 1
                self.on_disagreement(Disagreement(f"{item.ref[0]}:{item.ref[1]}", item.comment.where,
                                                  item.story_url, item.comment.status, engine_status,
                                                  summary["reasons"]))

    # -- writing --------------------------------------------------------------------------------

    def _write(self, placed: list[_Placed]) -> None:
        lone_stories, self._lone_stories = self._lone_stories, []
        if self.options.dry_run:
            for item in placed:
                self._planned[item.ref] = _Known(None, item.story_url, item.depth, item.comment.body)
            self.summary.imported += len(placed)
            return
        if not placed and not lone_stories:
            return
        with self.store.write() as connection:
            story_ids = self._stories(connection, lone_stories, placed)
            if placed:
                author_ids = self._authors(connection, placed)
                # Ids in placement order, which is file order for a file that lists parents first
                # (every Rostra export): an export of the imported threads lists them as the file did.
                for item, comment_id in zip(placed, _new_comment_ids(connection, len(placed)), strict=True):
                    item.id = comment_id
                connection.execute(insert(comments), [self._row(item, story_ids, author_ids) for item in placed])
                now = utcnow()
                connection.execute(insert(moderation_log), [
                    {"comment_id": item.id, "actor": IMPORT_ACTOR, "from_status": None,
                     "to_status": item.comment.status, "reasons": item.moderated.get("moderation_reasons"),
                     "model": item.moderated.get("moderation_model"), "note": self._log_note(item),
                     "created_at": now}
                    for item in placed
                ])
            self.summary.imported += len(placed)
            connection.execute(update(import_runs).where(import_runs.c.id == self.summary.run_id)
                               .values(**self._counts()))

    def _log_note(self, item: _Placed) -> str:
        engine = item.moderated.get("import_engine_status")
        verdict = f"; the engine would have: {engine}" if engine else ""
        return f"imported from {item.ref[0]} id {item.ref[1]} (import run {self.summary.run_id}){verdict}"

    def _row(self, item: _Placed, story_ids: dict[str, int], author_ids: dict[Ref, int]) -> dict:
        comment = item.comment
        parent_id = item.parent_in_batch.id if item.parent_in_batch is not None else (
            item.parent.id if item.parent is not None else None)
        deleted = comment.status == "deleted"
        return {
            "id": item.id,
            "story_id": story_ids[item.story_url],
            "parent_id": parent_id,
            "depth": item.depth,
            "author_id": author_ids[self._author_ref(item)],
            "body_markdown": "" if deleted else comment.body,
            "body_html": "" if deleted else render_comment(comment.body),
            "status": comment.status,
            "reaction_count": 0,
            "moderation_scores": None,
            "moderation_reasons": None,
            "moderation_model": None,
            "import_engine_status": None,
            **item.moderated,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "deleted_at": comment.deleted_at,
            "source": item.ref[0],
            "external_id": item.ref[1],
            "import_run_id": self.summary.run_id,
        }

    def _stories(self, connection: Connection, lone: list[Story], placed: list[_Placed]) -> dict[str, int]:
        """Story ids by canonical URL, creating in file order the stories this batch is the first to
        mention; a story that exists (a live one, or from an earlier run) keeps its title."""
        wanted: dict[str, Story] = {}
        for story in lone:
            try:
                wanted.setdefault(canonical_url(story.url), story)
            except BadURL as error:
                self._skip(BadRecord(f"story {story.url!r}", story.url_field, str(error)), self.format)
        for item in placed:
            wanted.setdefault(item.story_url, item.comment.story)
        wanted = {url: story for url, story in wanted.items() if url not in self._story_ids}
        for url, story in wanted.items():
            values = {"site_id": self._site_id, "url": url, "title": story.title or url, "text": story.text,
                      "closed": story.closed, "created_at": story.created_at or utcnow()}
            if insert_ignoring_duplicates(connection, stories, values, keys=["url"]):
                self.summary.stories_created += 1
        if wanted:
            found = connection.execute(select(stories.c.url, stories.c.id).where(stories.c.url.in_(list(wanted))))
            self._story_ids.update(dict(found.all()))
        return self._story_ids

    def _author_ref(self, item: _Placed) -> Ref:
        """Who wrote it, as (source, id): the source's id for the person, else one made from their
        e-mail address, else one for this comment alone."""
        author = item.comment.author
        source = author.source or item.ref[0]
        if author.key:
            return _ref(source, author.key)
        if author.email:
            return _ref(source, f"email-{_digest(author.email, DERIVED_ID_HASH_CHARS)}")
        return _ref(source, f"comment-{item.ref[1]}")

    def _authors(self, connection: Connection, placed: list[_Placed]) -> dict[Ref, int]:
        """Author ids for the batch: found by source and id, then (other formats than Rostra's) by
        e-mail address, else created."""
        wanted: dict[Ref, Author] = {}
        for item in placed:
            wanted.setdefault(self._author_ref(item), item.comment.author)
        rows = connection.execute(select(authors.c.source, authors.c.external_id, authors.c.id)
                                  .where(self._matching(authors, wanted)))
        found: dict[Ref, int] = {self._row_ref(row): row.id for row in rows}
        if self.options.merge_authors_by_email:
            self._merge_by_email(connection, wanted, found)
        missing = [(ref, author) for ref, author in wanted.items() if ref not in found]
        if missing:
            now = utcnow()
            rows = [{"guest_key": IMPORTED_GUEST_PREFIX + _digest(f"{ref[0]}\0{ref[1]}", GUEST_KEY_HASH_CHARS),
                     "display_name": author.name or UNNAMED_AUTHOR, "email": author.email,
                     "source": ref[0], "external_id": ref[1], "created_at": now} for ref, author in missing]
            statement = insert(authors).returning(authors.c.id, sort_by_parameter_order=True)
            for (ref, _), author_id in zip(missing, connection.execute(statement, rows).scalars(), strict=True):
                found[ref] = author_id
            self.summary.authors_created += len(missing)
        return found

    def _merge_by_email(self, connection: Connection, wanted: dict[Ref, Author], found: dict[Ref, int]) -> None:
        """An author not found by id joins the oldest author with the same e-mail address, unless
        that one comes from the same source under another id (one source's ids tell people apart)."""
        emails = {author.email for ref, author in wanted.items() if ref not in found and author.email}
        if not emails:
            return
        rows = connection.execute(select(authors.c.email, authors.c.id, authors.c.source, authors.c.external_id)
                                  .where(authors.c.email.in_(emails)).order_by(authors.c.id)).all()
        for ref, author in wanted.items():
            if ref in found or not author.email:
                continue
            for row in rows:
                same_source_other_person = author.key and row.source == ref[0] and row.external_id != ref[1]
                if row.email == author.email and not same_source_other_person:
                    found[ref] = row.id
                    break

    # -- the import_runs row --------------------------------------------------------------------

    def _start_run(self, file_name: str, file_bytes: int) -> None:
        with self.store.write() as connection:
            self.summary.unfinished_runs = connection.execute(
                select(import_runs.c.id).where(
                    import_runs.c.format == self.format, import_runs.c.file_name == file_name,
                    import_runs.c.file_bytes == file_bytes, import_runs.c.site_id == self._site_id,
                    import_runs.c.state != "finished", import_runs.c.imported > 0,
                ).order_by(import_runs.c.id)
            ).scalars().all()
            self.summary.run_id = connection.execute(
                insert(import_runs).returning(import_runs.c.id),
                {"format": self.format, "file_name": file_name, "file_bytes": file_bytes, "site_id": self._site_id,
                 "state": "running", "started_at": utcnow(), **self._counts()},
            ).scalar_one()

    def _counts(self) -> dict:
        summary = self.summary
        return {"records": summary.records, "imported": summary.imported, "already_present": summary.already_present,
                "skipped": summary.skipped, "disagreements": summary.disagreements}

    def _finish_run(self, state: str) -> None:
        if self.summary.run_id is None:
            return
        with self.store.write() as connection:
            connection.execute(update(import_runs).where(import_runs.c.id == self.summary.run_id)
                               .values(state=state, finished_at=utcnow(), **self._counts()))


def _check(comment: Comment) -> tuple[str, str] | None:
    """(field, problem) for a record the core cannot store, else None; readers map their own
    statuses, so an unknown one here is the Rostra format's."""
    if comment.status not in COMMENT_STATUSES:
        return "status", f"unknown status {comment.status!r}; known: {', '.join(COMMENT_STATUSES)}"
    if comment.status != "deleted" and not comment.body.strip():
        return comment.body_field, "is empty"
    return None


def find_site(store: Store, name: str = DEFAULT_SITE) -> int:
    """The id of the site named `name`; ImportHalted naming the sites there are when it does not exist."""
    with store.read() as connection:
        site_id = connection.execute(select(sites.c.id).where(sites.c.name == name)).scalar()
        if site_id is None:
            names = connection.execute(select(sites.c.name).order_by(sites.c.name)).scalars().all()
            raise ImportHalted(f"--site: no site named {name!r} (sites: {', '.join(names) or 'none'})")
    return site_id


def instance_origin(connection: Connection) -> str:
    """This database's name in exports, `rostra-<id>`: what the ids of its own comments and authors
    are prefixed with, so they stay apart from another Rostra's once imported elsewhere."""
    instance_id = connection.execute(select(func.min(instance.c.id))).scalar()
    if instance_id is None:  # emptied tables (tests); the migration stores one
        instance_id = uuid.uuid4().hex[:INSTANCE_ID_CHARS]
        connection.execute(insert(instance), {"id": instance_id})
    return NATIVE_SOURCE_PREFIX + instance_id


def _new_comment_ids(connection: Connection, count: int) -> list[int]:
    """`count` fresh comment ids in rising order. PostgreSQL hands them out from the id sequence;
    SQLite continues after the largest id, which is safe because the write transaction holds the
    database's write lock."""
    if connection.dialect.name == "postgresql":
        return sorted(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence('comments', 'id')) FROM generate_series(1, :count)"),
            {"count": count},
        ).scalars())
    start = connection.execute(select(func.coalesce(func.max(comments.c.id), 0))).scalar_one() + 1
    return list(range(start, start + count))


def _parent_text(item: _Placed) -> str | None:
    if item.parent_in_batch is not None:
        return item.parent_in_batch.comment.body
    return item.parent.body if item.parent is not None else None
