"""`rostra export` -> `rostra import rostra` into an empty database -> `rostra export` gives the same
bytes: on the demo data with imported threads (both databases), and as a property over generated
exports (SQLite, two fresh databases per example)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from import_support import fixture
from rostra.actions.setup import DEMO_COMMENTS, DEMO_HELD, DEMO_PATH, create_demo
from rostra.cli import main
from rostra.config import Settings
from rostra.runtime import Runtime
from rostra.store.tables import COMMENT_STATUSES

DEMO_ORIGIN = "http://127.0.0.1:8000"


def test_demo_data_and_imports_round_trip_exactly(rostra, database, tmp_path, _sqlite_template):
    settings = Settings.load(environ={}, overrides={"database_url": database.url, "data_dir": str(tmp_path)})
    runtime = Runtime.from_settings(settings)
    try:
        assert create_demo(runtime) is not None
    finally:
        runtime.close()
    assert rostra("import", "wordpress", fixture("wordpress.xml")).status == 0
    assert rostra("import", "disqus", fixture("disqus.xml")).status == 0
    first = tmp_path / "first.jsonl"
    assert rostra("export", "--output", str(first)).status == 0
    empty = tmp_path / "empty.db"
    shutil.copyfile(_sqlite_template, empty)
    empty_url = f"sqlite:///{empty}"
    imported = rostra("import", "rostra", str(first), database_url=empty_url)
    assert imported.status == 0, imported.stderr
    second = tmp_path / "second.jsonl"
    assert rostra("export", "--output", str(second), database_url=empty_url).status == 0
    assert second.read_bytes() == first.read_bytes()
    lines = [json.loads(line) for line in first.read_text().splitlines()]
    demo_comments = len(DEMO_COMMENTS) + len(DEMO_HELD)  # held ones too: an export keeps every comment
    assert sum(line.get("type") == "comment" for line in lines) == demo_comments + 6 + 6
    # importing an export back into the database it came from adds nothing
    again = rostra("import", "rostra", str(first))
    assert f"{demo_comments + 12} already present; 0 skipped" in again.stdout
    # one story alone
    only = rostra("export", "--story", f"{DEMO_ORIGIN}{DEMO_PATH}?utm_campaign=x")
    assert only.status == 0
    assert sum('"type": "comment"' in line for line in only.stdout.splitlines()) == demo_comments


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)
_moment = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1),
                       timezones=st.just(UTC))
_sources = st.sampled_from(["disqus", "wordpress", "rostra-0123456789ab"])
_authors = st.lists(st.tuples(_sources, st.integers(1, 5), _text.map(str.strip).filter(bool),
                              st.none() | st.sampled_from(["a@example.org", "b@example.net"])),
                    min_size=1, max_size=4)


@st.composite
def exports(draw) -> str:
    """A valid Rostra export: stories, each with a thread whose replies follow their parents."""
    people = draw(_authors)
    lines = [json.dumps({"format": "rostra-comments", "version": 1})]
    serial = 0
    for story_number in range(draw(st.integers(1, 3))):
        lines.append(json.dumps({"type": "story", "url": f"https://news.example.com/s{story_number}",
                                 "title": draw(_text), "text": draw(st.text(max_size=30).map(
                                     lambda value: value.replace("\x00", ""))),
                                 "closed": draw(st.booleans()), "created_at": draw(_moment).isoformat()}))
        written: list[str] = []
        for _ in range(draw(st.integers(0, 6))):
            serial += 1
            source, person, name, email = draw(st.sampled_from(people))
            status = draw(st.sampled_from(COMMENT_STATUSES))
            key = f"{draw(_sources)}:{serial}"
            lines.append(json.dumps({
                "type": "comment", "id": key,
                "parent": draw(st.none() | st.sampled_from(written)) if written else None,
                "author": {"id": f"{source}:{person}", "name": name, "email": email},
                "body": "" if status == "deleted" else draw(_text.filter(str.strip)),
                "status": status, "created_at": draw(_moment).isoformat(),
                "edited_at": draw(st.none() | _moment.map(datetime.isoformat)),
                "deleted_at": draw(st.none() | _moment.map(datetime.isoformat)),
            }))
            written.append(key)
    return "\n".join(lines) + "\n"


def _run(*arguments: str) -> str:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(arguments)) == 0
    return stdout.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exports())
def test_export_import_export_is_identical(_sqlite_template, document):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "source.jsonl"
        source.write_text(document, encoding="utf-8")
        urls = []
        for name in ("one.db", "two.db"):
            shutil.copyfile(_sqlite_template, folder / name)
            urls.append(f"sqlite:///{folder / name}")
        _run("import", "rostra", str(source), "--database-url", urls[0])
        first = _run("export", "--database-url", urls[0])
        (folder / "first.jsonl").write_text(first, encoding="utf-8")
        _run("import", "rostra", str(folder / "first.jsonl"), "--database-url", urls[1])
        second = _run("export", "--database-url", urls[1])
    assert second == first
    assert first.count('"type": "comment"') == document.count('"type": "comment"')
