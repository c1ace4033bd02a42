"""`rostra admin create|token|sign-out`: staff accounts, their personal API tokens, and ending sessions."""

from __future__ import annotations

import argparse
import getpass
import sys

from rostra.actions import accounts, sessions
from rostra.actions.errors import ActionError
from rostra.cli.server import add_store_command, run_store_action
from rostra.store import Store


def register(subcommands) -> None:
    """Add `admin` and its subcommands to the `rostra` parser."""
    actions = add_store_command(subcommands, "admin", help="create moderators and admins, issue API tokens",
                                description=__doc__)

    create = actions.add_parser("create", help="create a moderator or admin who signs in at /admin")
    create.add_argument("email")
    create.add_argument("--role", choices=("moderator", "admin"), default="moderator")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input instead of prompting")
    create.set_defaults(handler=_create)

    token = actions.add_parser("token", help="print a new personal API token (Authorization: Bearer ...)")
    token.add_argument("email", help="the staff account's e-mail address or username")
    token.add_argument("--name", default="cli", help="what the token is for (shown by --list)")
    token.add_argument("--list", action="store_true", help="list the account's tokens instead")
    token.add_argument("--revoke", metavar="ID|PREFIX", help="revoke one of the account's tokens instead")
    token.set_defaults(handler=_token)

    sign_out = actions.add_parser("sign-out", help="end every session of an account (sign out everywhere)")
    sign_out.add_argument("email", help="the account's e-mail address or username")
    sign_out.set_defaults(handler=_sign_out)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ActionError("the two passwords differ", field="password")
    return first


def _create(args: argparse.Namespace) -> int:
    def create(store: Store) -> None:
        account = accounts.create_staff(store, args.email, args.role, _read_password(args.password_stdin))
        print(f"created {account['role']} {account['email']} (username {account['username']}); "
              "sign in at /admin")
    return _run(args, create)


def _staff_account(store: Store, key: str) -> dict:
    account = accounts.find_account(store, key)
    if account is None:
        raise ActionError(f"no account {key!r}", field="email")
    return account


def _token(args: argparse.Namespace) -> int:
    def token(store: Store) -> None:
        account = _staff_account(store, args.email)
        if args.list:
            for item in sessions.list_api_tokens(store, account["id"]):
                state = f"revoked {item.revoked_at:%Y-%m-%d %H:%M}" if item.revoked_at else "active"
                used = f"{item.last_used_at:%Y-%m-%d %H:%M}" if item.last_used_at else "never"
                print(f"{item.id:5} {item.prefix}...  {item.name:20} used {used:16}  {state}")
            return
        if args.revoke:
            revoked = sessions.revoke_api_token(store, account["id"], args.revoke)
            print(f"revoked token {revoked.id} ({revoked.prefix}...)")
            return
        if account["role"] not in sessions.STAFF_ROLES:
            raise ActionError(f"{args.email} is a {account['role']}; tokens are for moderators and admins",
                              field="email")
        _, secret = sessions.create_api_token(store, account["id"], args.name)
        print(secret)
    return _run(args, token)


def _sign_out(args: argparse.Namespace) -> int:
    def sign_out(store: Store) -> None:
        account = _staff_account(store, args.email)
        print(f"ended {accounts.sign_out_everywhere(store, account['id'])} session(s) of {account['username']}")
    return _run(args, sign_out)


def _run(args: argparse.Namespace, action) -> int:
    return run_store_action(args, action, "admin")
