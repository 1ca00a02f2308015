"""``user add|list|disable|enable|passwd``: sign-in accounts, changed only through the write service.

The console operator acts as `writes.Operator` (their system login, audited as "cli:root");
who may change what is decided by `services.writes`, never here.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from danvan_metrics.auth import accounts
from danvan_metrics.cli.output import fail
from danvan_metrics.core import config
from danvan_metrics.store.connection import open_store


def read_password(args: argparse.Namespace) -> str:
    """The password from a prompt (typed twice), or one line of standard input for scripts.

    Raises:
        accounts.AccountError: the two passwords typed differ.
    """
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise accounts.AccountError("Hai lần nhập mật khẩu không khớp.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _cmd_user(args: argparse.Namespace) -> int:
    from danvan_metrics.services import writes

    home = args.home or config.state_dir()
    store = open_store(args.home)
    operator = writes.Operator(getpass.getuser())
    # accounts.AccountError (a bad name or password) reaches `main`: its message, exit 1.
    try:
        if args.user_command == "add":
            account = writes.add_account(store, operator, args.name, read_password(args), args.role,
                                         args.units or (), args.email)  # fmt: skip
            print(f"Đã tạo tài khoản {account.name} ({accounts.ROLE_LABELS[account.role]}).")
        elif args.user_command == "passwd":
            writes.set_password(store, operator, args.name, read_password(args))
            print(f"Đã đổi mật khẩu của {args.name}.")
        elif args.user_command in ("disable", "enable"):
            writes.set_disabled(store, operator, args.name, args.user_command == "disable")
            print(f"Đã {'vô hiệu hóa' if args.user_command == 'disable' else 'kích hoạt lại'} tài khoản {args.name}.")
        else:
            for account in accounts.list_accounts(home):
                state = "vô hiệu hóa" if account.disabled else "hoạt động"
                units = ",".join(account.units) or "mọi đơn vị"
                print(f"{account.name}\t{account.role}\t{units}\t{state}")
    except writes.WriteRefused as refused:
        return fail(refused.message, 2)
    return 0


def add_commands(sub: Any) -> None:
    """Add ``user`` and its actions to the parser's sub-commands."""
    user = sub.add_parser(
        "user",
        help="manage sign-in accounts (add, list, disable, enable, passwd)",
        description="Manage the accounts that may upload or retract figures. Accounts live in the state "
        "directory, with Argon2 password hashes; there is no default account.",
    )
    actions = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="create an account; asks for the password (or reads one line from stdin)",
        description="Create an account. The password is asked twice at a prompt, or read as one line "
        "from standard input when it is not a terminal (for scripts).",
    )  # fmt: skip
    add.add_argument("name", help="sign-in name: 2–40 characters a–z, 0–9, '.', '_' or '-'")
    add.add_argument("--role", choices=[r.value for r in accounts.Role], required=True,
                     help="viewer (look only), editor (upload, retract own uploads), reviewer (approve or return "
                     "uploads under a reporting regime) or admin (everything)")  # fmt: skip
    add.add_argument("--email", help="e-mail the organisation's identity provider signs this person in with (SSO)")
    add.add_argument("--units", nargs="*", metavar="UNIT_ID",
                     help="limit an editor (or a reviewer) to these unit ids; a reviewer limited to a province or "
                     "district reviews its communes (default: every unit)")  # fmt: skip
    actions.add_parser("list", help="list accounts with role, units and state")
    for name, text in (("disable", "stop an account from signing in"), ("enable", "let a disabled account sign in"),
                       ("passwd", "set a new password (prompt or one line of stdin)")):  # fmt: skip
        action = actions.add_parser(name, help=text, description=text.capitalize() + ".")
        action.add_argument("name", help="the account's sign-in name")
    user.set_defaults(func=_cmd_user)
