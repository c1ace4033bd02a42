"""Malformed input through the real command: each bad record is named with its field, counted and
skipped (with the replies under it), --strict stops at the first, and nothing prints a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from import_support import fixture, stored


def test_disqus_bad_records_are_named_counted_and_skipped(rostra, database):
    outcome = rostra("import", "disqus", fixture("disqus_bad_records.xml"))
    assert outcome.status == 1
    assert "8 records read; imported 2 comments" in outcome.stdout and "6 skipped" in outcome.stdout
    for message in (
        "post 2 (dsq:id 11), field 'createdAt': not a date: 'yesterday afternoon'",
        "post 3 (dsq:id 12), field 'parent': replies to 11, which was skipped",
        "post 4 (dsq:id 13), field 'parent': no comment 9999 in the file or the database",
        "post 5 (dsq:id 10), field 'dsq:id': duplicate id '10' in this file",
        "post 6 (dsq:id 14), field 'isDeleted': must be true or false, not 'perhaps'",
        "post 7 (dsq:id 15), field 'link': 'ftp://files.example.com/not-a-page' must be an absolute http",
    ):
        assert message in outcome.stderr
    rows = stored(database)
    assert set(rows) == {"disqus:10", "disqus:16"}
    assert rows["disqus:10"]["body_markdown"] == "Stay safe, everyone."  # the first of the two "10"s
    assert rows["disqus:16"]["parent_id"] == rows["disqus:10"]["id"]


def test_other_formats_name_their_own_fields(rostra, database):
    cases = {
        ("wordpress", "wordpress_bad_records.xml"): [
            "comment 2 (wp:comment_id 402), field 'wp:comment_approved': unknown status 'held-for-review'",
            "comment 3 (wp:comment_id 403), field 'wp:comment_date_gmt': not a date: '2023-02-30 10:00:00'",
        ],
        ("remark42", "remark42_bad_records.jsonl"): [
            "line 3, field 'time': not a date: 'sometime'",
            "line 4: not valid JSON",
            "line 5, field 'locator.url': is missing",
        ],
        ("commento", "commento_bad_records.json"): [
            "comment 2 (commentHex bb02), field 'state': unknown status 'shadowbanned'",
            "comment 3 (commentHex bb01), field 'commentHex': duplicate id 'bb01' in this file",
            "comment 4 (commentHex bb03), field 'markdown': is empty",
        ],
    }
    for (format, name), messages in cases.items():
        outcome = rostra("import", format, fixture(name))
        assert outcome.status == 1, (format, outcome.stderr)
        for message in messages:
            assert message in outcome.stderr, (format, outcome.stderr)
        assert f"{len(messages)} skipped" in outcome.stdout
    assert set(stored(database)) == {"wordpress:401", "remark42:r1", "commento:bb01"}


def test_strict_stops_at_the_first_bad_record(rostra, database):
    outcome = rostra("import", "commento", fixture("commento_bad_records.json"), "--strict")
    assert outcome.status == 1
    assert "stopped at the first bad record (--strict): comment 2 (commentHex bb02), field 'state'" in outcome.stderr
    assert stored(database) == {}  # its batch was not written


def test_a_file_that_breaks_off_keeps_what_came_before_and_says_where(rostra, database):
    outcome = rostra("import", "disqus", fixture("disqus_truncated.xml"))
    assert outcome.status == 1
    assert "line 42, column" in outcome.stderr and "not well-formed XML" in outcome.stderr
    assert set(stored(database)) == {"disqus:81"}


def test_a_file_of_another_format_is_refused_without_writing(rostra, database):
    for format, name, message in (
        ("disqus", "wordpress.xml", "not a Disqus export"),
        ("wordpress", "disqus.xml", "not a WordPress export (WXR)"),
        ("disqus", "not_xml.json", "line 1, column 0: the Disqus file is not well-formed XML"),
        ("isso", "disqus.xml", "not an Isso database"),
        ("remark42", "commento.json", "not a Remark42 backup"),
        ("commento", "remark42.jsonl", "not a Commento export"),
        ("rostra", "commento.json", "not a Rostra export"),
    ):
        outcome = rostra("import", format, fixture(name))
        assert outcome.status == 2, (format, name, outcome.stderr)
        assert message in outcome.stderr, (format, name, outcome.stderr)
    assert stored(database) == {}


def test_the_installed_command_prints_no_traceback(database, tmp_path):
    command = Path(sys.executable).with_name("rostra")
    for arguments in (["import", "disqus", fixture("disqus_truncated.xml")],
                      ["import", "disqus", str(tmp_path / "missing.xml")]):
        result = subprocess.run([str(command), *arguments, "--database-url", database.url], capture_output=True,
                                text=True, timeout=120, cwd=tmp_path)
        assert result.returncode in (1, 2)
        assert "Traceback (most recent call last)" not in result.stderr
        assert any(line.startswith("rostra import: ") for line in result.stderr.splitlines())
