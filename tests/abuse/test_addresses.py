"""Addresses: X-Forwarded-For believed only from configured proxies, and stored only hashed and truncated."""

from __future__ import annotations

import logging

from server_support import post
from sqlalchemy import select

from rostra.guards.addresses import AddressRedactingFilter, parse_networks, reader_address
from rostra.store.tables import comments

ATTACKER = "203.0.113.9"


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(make_server):
    server = make_server(rate_limit_ip_per_minute=5)
    story = server.story()
    answers = []
    for number in range(10):
        fresh = server.reader(ATTACKER, **{"X-Forwarded-For": f"10.9.{number}.1"})  # new cookie each time too
        answers.append(post(fresh, story, f"Comment number {number} on the budget").status_code)
    assert answers == [201] * 5 + [429] * 5


def test_forwarded_for_from_a_trusted_proxy_names_the_reader(make_server):
    server = make_server(rate_limit_ip_per_minute=5, trusted_proxies=["127.0.0.1"])
    story = server.story()
    through_proxy = [post(server.reader("127.0.0.1", **{"X-Forwarded-For": f"10.9.{n}.1"}), story,
                          f"Reader {n} writes").status_code for n in range(8)]
    assert through_proxy == [201] * 8  # eight readers behind one proxy, each under their own limit
    # The proxy appends the address it saw; whatever the client wrote in front of it is not believed.
    spoofing = [post(server.reader("127.0.0.1", **{"X-Forwarded-For": f"10.8.{n}.1, {ATTACKER}"}), story,
                     f"Spoof {n}").status_code for n in range(8)]
    assert spoofing == [201] * 5 + [429] * 3


def test_reader_address_walks_from_the_right_past_trusted_proxies_only():
    proxies = parse_networks(["10.0.0.0/8", "::1"])
    assert reader_address("10.0.0.2", "1.1.1.1, 203.0.113.5, 10.0.0.3", proxies) == "203.0.113.5"
    assert reader_address("203.0.113.5", "1.1.1.1", proxies) == "203.0.113.5"
    assert reader_address("::1", "not-an-address", proxies) == "::1"
    assert reader_address("10.0.0.2", None, proxies) == "10.0.0.2"


def test_addresses_are_stored_hashed_and_truncated_and_logged_truncated(make_server):
    server = make_server()
    story = server.story()
    assert post(server.reader(ATTACKER), story, "Where does the money go?").status_code == 201
    with server.store.read() as connection:
        row = connection.execute(select(comments.c.address_hash, comments.c.address_network)).one()
    assert ATTACKER not in row.address_hash and len(row.address_hash) == 32
    assert row.address_network == "203.0.113.0/24"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               (f"{ATTACKER}:51234", "POST", "/api/v1/x", "1.1", 201), None)
    AddressRedactingFilter().filter(record)
    assert ATTACKER not in record.getMessage() and "203.0.113.0/24" in record.getMessage()


def test_no_address_is_kept_when_retention_is_zero(make_server):
    server = make_server(address_retention_days=0)
    story = server.story()
    assert post(server.reader(ATTACKER), story, "Where does the money go?").status_code == 201
    with server.store.read() as connection:
        assert connection.execute(select(comments.c.address_hash, comments.c.address_network)).one() == (None, None)


def test_untrusted_proxies_setting_must_be_networks(tmp_path):
    import pytest

    from rostra.config import ConfigError, Settings

    with pytest.raises(ConfigError, match="trusted_proxies"):
        Settings.load(environ={"ROSTRA_TRUSTED_PROXIES": "proxy.internal"})


def test_addresses_past_their_retention_are_forgotten_by_the_background_job(make_server):
    from datetime import timedelta

    from sqlalchemy import update

    from rostra.store.queries import utcnow
    from rostra.workers.retention import forget_expired_addresses

    server = make_server(address_retention_days=30)
    story = server.story()
    old = post(server.reader(ATTACKER), story, "Written long ago").json()["id"]
    post(server.reader(ATTACKER), story, "Written today")
    with server.store.write() as connection:
        connection.execute(update(comments).where(comments.c.id == old)
                           .values(created_at=utcnow() - timedelta(days=31)))
    forget_expired_addresses(server.runtime)
    with server.store.read() as connection:
        kept = dict(connection.execute(select(comments.c.id, comments.c.address_network)).all())
    assert kept[old] is None and set(kept.values()) == {None, "203.0.113.0/24"}
