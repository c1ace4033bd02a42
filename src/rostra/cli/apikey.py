"""`rostra apikey create|list|revoke`: the keys Perspective clients use to call Rostra."""

from __future__ import annotations

import argparse

from rostra.actions import apikeys
from rostra.cli.server import add_store_command, run_store_action
from rostra.store import Store


def register(subcommands) -> None:
    """Add `apikey` and its three subcommands to the `rostra` parser."""
    actions = add_store_command(subcommands, "apikey", help="create, list and revoke Perspective API keys",
                                description=__doc__)

    create = actions.add_parser("create", help="create a key and print it (shown only this once)")
    create.add_argument("--name", required=True, help="unique name, e.g. the client using the key")
    create.add_argument("--requests-per-minute", type=int, default=None,
                        help="this key's quota (default: perspective_requests_per_minute; 0: none)")
    create.set_defaults(handler=_create)

    listing = actions.add_parser("list", help="list keys: name, prefix, quota, created, revoked")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="revoke a key by its name or its prefix")
    revoke.add_argument("key", metavar="NAME|PREFIX")
    revoke.set_defaults(handler=_revoke)


def _create(args: argparse.Namespace) -> int:
    return _run(args, lambda store: _print_created(
        apikeys.create_key(store, args.name, args.requests_per_minute)))


def _list(args: argparse.Namespace) -> int:
    return _run(args, lambda store: _print_keys(apikeys.list_keys(store)))


def _revoke(args: argparse.Namespace) -> int:
    def revoke(store: Store) -> None:
        key = apikeys.revoke_key(store, args.key)
        print(f"revoked {key.name} ({key.prefix}...)")
    return _run(args, revoke)


def _run(args: argparse.Namespace, action) -> int:
    return run_store_action(args, action, "apikey")


def _print_created(created: apikeys.CreatedKey) -> None:
    print(f"created key {created.key.name!r}; copy it now, it is not shown again:")
    print(created.secret)


def _print_keys(keys: list[apikeys.ApiKey]) -> None:
    if not keys:
        print("no keys; create one with: rostra apikey create --name NAME")
        return
    print(f"{'NAME':24} {'PREFIX':10} {'PER MINUTE':11} {'CREATED':20} REVOKED")
    for key in keys:
        quota = "default" if key.requests_per_minute is None else str(key.requests_per_minute)
        revoked = key.revoked_at.strftime("%Y-%m-%d %H:%M:%S") if key.revoked_at else "-"
        print(f"{key.name:24} {key.prefix:10} {quota:11} "
              f"{key.created_at.strftime('%Y-%m-%d %H:%M:%S'):20} {revoked}")
