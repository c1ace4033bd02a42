"""API keys on SQLite and PostgreSQL: random, stored only as a hash and a prefix, revocable."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from rostra.actions import apikeys
from rostra.actions.errors import Conflict, InvalidInput, NotFound
from rostra.cli import main
from rostra.store.tables import api_keys


def test_created_key_is_random_and_only_its_hash_and_prefix_are_stored(store):
    first = apikeys.create_key(store, "coral")
    second = apikeys.create_key(store, "comentario")

    assert first.secret != second.secret
    assert len(first.secret) >= 43  # 32 random bytes, URL-safe base64
    with store.read() as connection:
        row = connection.execute(select(api_keys).where(api_keys.c.name == "coral")).mappings().one()
    assert row["key_hash"] == hashlib.sha256(first.secret.encode()).hexdigest()
    assert row["key_prefix"] == first.secret[:8]
    assert all(first.secret not in str(value) for value in row.values())


def test_verify_accepts_the_key_and_refuses_a_wrong_or_revoked_one(store):
    created = apikeys.create_key(store, "bot", requests_per_minute=5)

    verified = apikeys.verify_key(store, created.secret)
    assert verified is not None and verified.name == "bot" and verified.requests_per_minute == 5
    assert apikeys.verify_key(store, created.secret[:-1] + "x") is None
    assert apikeys.verify_key(store, "") is None

    apikeys.revoke_key(store, "bot")
    assert apikeys.verify_key(store, created.secret) is None


def test_names_are_unique_and_must_be_given(store):
    apikeys.create_key(store, "coral")
    with pytest.raises(Conflict):
        apikeys.create_key(store, "coral")
    with pytest.raises(InvalidInput):
        apikeys.create_key(store, "   ")
    with pytest.raises(InvalidInput):
        apikeys.create_key(store, "negative", requests_per_minute=-1)


def test_revoke_by_prefix_refuses_unknown_ambiguous_and_repeated(store):
    created = apikeys.create_key(store, "forum")
    apikeys.create_key(store, "other")

    with pytest.raises(NotFound):
        apikeys.revoke_key(store, "no-such-key")
    assert apikeys.revoke_key(store, created.secret[:8]).name == "forum"
    with pytest.raises(Conflict):
        apikeys.revoke_key(store, "forum")


def test_a_prefix_shared_by_two_keys_names_neither(store):
    first = apikeys.create_key(store, "one")
    second = apikeys.create_key(store, "two")
    with store.write() as connection:  # make the two prefixes collide, as chance one day will
        connection.execute(api_keys.update().where(api_keys.c.name == "two")
                           .values(key_prefix=first.key.prefix))

    with pytest.raises(Conflict, match="one, two"):
        apikeys.revoke_key(store, first.key.prefix)
    assert apikeys.verify_key(store, second.secret) is not None


def test_list_shows_every_key_oldest_first_with_revocations(store):
    apikeys.create_key(store, "first")
    apikeys.create_key(store, "second", requests_per_minute=0)
    apikeys.revoke_key(store, "first")

    listed = apikeys.list_keys(store)
    assert [key.name for key in listed] == ["first", "second"]
    assert not listed[0].active and listed[1].active
    assert listed[1].requests_per_minute == 0


def test_cli_creates_shows_once_lists_and_revokes(tmp_path, capsys):
    database = ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]

    assert main(["apikey", *database, "create", "--name", "coral", "--requests-per-minute", "120"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(secret) >= 43

    assert main(["apikey", *database, "list"]) == 0
    listing = capsys.readouterr().out
    assert "coral" in listing and secret[:8] in listing and "120" in listing
    assert secret not in listing

    assert main(["apikey", *database, "create", "--name", "coral"]) == 1
    assert "already exists" in capsys.readouterr().err

    assert main(["apikey", *database, "revoke", secret[:8]]) == 0
    assert main(["apikey", *database, "revoke", "nobody"]) == 1
    assert "no key is named 'nobody'" in capsys.readouterr().err
