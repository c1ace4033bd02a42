"""Each format through the real `rostra import`, on SQLite and PostgreSQL: threads, statuses, dates,
edit times, canonical story URLs and merged authors land as the source had them."""

from __future__ import annotations

from datetime import UTC, datetime

from import_support import fixture, stored


def test_disqus_threads_statuses_and_canonical_story_urls(rostra, database):
    outcome = rostra("import", "disqus", fixture("disqus.xml"))
    assert outcome.status == 0, outcome.stderr
    assert "6 records read; imported 6 comments (2 new stories" in outcome.stdout
    rows = stored(database)
    assert set(rows) == {f"disqus:{n}" for n in range(81, 87)}
    budget = "https://news.example.com/2024/council-budget"  # tracking parameter and fragment gone
    assert rows["disqus:81"]["url"] == budget and rows["disqus:85"]["closed"] is True
    # 83 comes before its parent 82 in the file: it waits, then lands under it
    assert (rows["disqus:83"]["parent_key"], rows["disqus:83"]["depth"]) == ("82", 2)
    assert (rows["disqus:82"]["parent_key"], rows["disqus:82"]["depth"]) == ("81", 1)
    assert rows["disqus:81"]["body_markdown"] == "Where does the **money** for the library go?\n\nNobody has said."
    assert "<strong>money</strong>" in rows["disqus:81"]["body_html"]
    assert rows["disqus:83"]["body_markdown"].endswith("[budget document](https://news.example.com/budget.pdf).")
    assert {key: rows[key]["status"] for key in ("disqus:84", "disqus:85", "disqus:86")} == {
        "disqus:84": "rejected", "disqus:85": "deleted", "disqus:86": "approved"}
    assert rows["disqus:85"]["body_markdown"] == ""  # a deleted placeholder that keeps its reply
    assert rows["disqus:86"]["parent_key"] == "85"
    assert rows["disqus:81"]["author_id"] == rows["disqus:85"]["author_id"]
    assert rows["disqus:81"]["email"] == "mara@example.org"
    assert rows["disqus:81"]["created_at"].replace(tzinfo=UTC) == datetime(2024, 2, 1, 9, 15, tzinfo=UTC)


def test_wordpress_approval_states_replies_and_local_dates(rostra, database):
    outcome = rostra("import", "wordpress", fixture("wordpress.xml"))
    assert outcome.status == 0, outcome.stderr
    rows = stored(database)
    assert set(rows) == {f"wordpress:{n}" for n in (301, 302, 303, 305, 306, 310)}  # 304 is a pingback
    assert {key: row["status"] for key, row in rows.items()} == {
        "wordpress:301": "approved", "wordpress:302": "approved", "wordpress:303": "pending",
        "wordpress:305": "rejected", "wordpress:306": "deleted", "wordpress:310": "approved"}
    assert rows["wordpress:301"]["body_markdown"] == (
        "Forty minutes is far too long in the morning.\n\nCommuters will drive instead.")
    assert rows["wordpress:302"]["parent_key"] == "301" and rows["wordpress:306"]["depth"] == 2
    assert rows["wordpress:303"]["created_at"].replace(tzinfo=UTC) == datetime(2023, 5, 21, 6, tzinfo=UTC)
    assert rows["wordpress:310"]["closed"] is True and rows["wordpress:301"]["closed"] is False


def test_isso_database_with_base_url_and_edit_times(rostra, database, isso_database):
    outcome = rostra("import", "isso", str(isso_database), "--base-url", "https://blog.example.com")
    assert outcome.status == 1  # comment 6 has a mode Isso does not know
    assert "comment id 6, field 'mode': unknown status 3" in outcome.stderr
    rows = stored(database)
    assert set(rows) == {f"isso:{n}" for n in range(1, 6)}
    assert rows["isso:1"]["url"] == "https://blog.example.com/posts/allotments/"
    assert rows["isso:5"]["url"] == "https://blog.example.com/posts/choir/"
    assert rows["isso:2"]["edited_at"] is not None and rows["isso:1"]["edited_at"] is None
    assert [rows[f"isso:{n}"]["status"] for n in range(1, 5)] == ["approved", "approved", "pending", "deleted"]
    assert rows["isso:3"]["depth"] == 2 and rows["isso:3"]["display_name"] == "Anonymous"


def test_isso_without_base_url_says_what_to_add(rostra, database, isso_database):
    outcome = rostra("import", "isso", str(isso_database))
    assert outcome.status == 2
    assert "field 'uri': '/posts/allotments/' is a path, not a URL: give --base-url" in outcome.stderr
    assert stored(database) == {}


def test_remark42_backup_edits_and_deleted_parents(rostra, database):
    outcome = rostra("import", "remark42", fixture("remark42.jsonl"))
    assert outcome.status == 0, outcome.stderr
    rows = stored(database)
    first, second, deleted, reply = (rows[f"remark42:c0ffee01-0000-4000-8000-00000000000{n}"] for n in range(1, 5))
    assert first["body_markdown"] == "Is the **tram** extension funded?"
    assert second["edited_at"] is not None and second["parent_id"] == first["id"]
    assert deleted["status"] == "deleted" and reply["parent_id"] == deleted["id"]
    assert reply["body_markdown"] == "What did it say?"  # no Markdown original: from its HTML
    assert first["author_id"] == deleted["author_id"]  # the same Remark42 user id


def test_commento_states_and_replies_listed_before_their_parents(rostra, database):
    outcome = rostra("import", "commento", fixture("commento.json"))
    assert outcome.status == 0, outcome.stderr
    rows = stored(database)
    assert rows["commento:aa01"]["url"] == "https://valley.example.org/news/school-meals"
    assert rows["commento:aa03"]["parent_key"] == "aa02" and rows["commento:aa03"]["depth"] == 2
    assert rows["commento:aa03"]["status"] == "pending" and rows["commento:aa04"]["status"] == "deleted"
    assert rows["commento:aa01"]["display_name"] == "Jun Park"


def test_authors_merge_by_email_across_formats(rostra, database):
    for format, name in (("wordpress", "wordpress.xml"), ("disqus", "disqus.xml"), ("commento", "commento.json")):
        assert rostra("import", format, fixture(name)).status == 0
    rows = stored(database)
    mara = {rows[key]["author_id"] for key in ("wordpress:301", "wordpress:306", "disqus:81", "disqus:85")}
    jun = {rows[key]["author_id"] for key in ("wordpress:310", "disqus:82", "commento:aa01")}
    assert len(mara) == 1 and len(jun) == 1 and mara != jun
    # the same person under one source's two ids stays two authors; an unnamed guest is one comment's
    assert rows["disqus:83"]["author_id"] != rows["disqus:84"]["author_id"]


def test_running_the_same_file_again_adds_nothing(rostra, database):
    first = rostra("import", "disqus", fixture("disqus.xml"))
    before = stored(database)
    again = rostra("import", "disqus", fixture("disqus.xml"))
    assert first.status == again.status == 0
    assert "imported 0 comments (0 new stories, 0 new authors); 6 already present; 0 skipped" in again.stdout
    assert stored(database) == before


def test_stories_go_to_the_named_site_and_an_unknown_site_is_refused(rostra, database):
    outcome = rostra("import", "disqus", fixture("disqus.xml"), "--site", "elsewhere")
    assert outcome.status == 2
    assert "--site: no site named 'elsewhere' (sites: default)" in outcome.stderr
    assert stored(database) == {}
