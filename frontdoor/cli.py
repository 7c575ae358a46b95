"""One command line for the jobs people run by hand: `iaa --help`."""
from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
from pathlib import Path
from typing import List, Optional
from urllib.parse import urlsplit

from iaa.settings import ROOT

SAMPLE_DIRECTORY = ROOT / "directory" / "sample" / "services.json"


def cmd_db_upgrade(_: argparse.Namespace) -> int:
    from .migrate import upgrade
    from iaa.settings import get_settings

    upgrade(get_settings().database_url)
    print("[db] schema is up to date")
    return 0


def cmd_profile_check(args: argparse.Namespace) -> int:
    from iaa.profile import ProfileError, load_profile

    try:
        profile = load_profile(args.path)
    except ProfileError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"{args.path}: valid profile for {profile.council.name}")
    holidays = profile.opening_hours.bank_holidays
    soon = dt.date.today() + dt.timedelta(days=183)
    if not holidays or max(holidays) < soon:
        last = max(holidays).isoformat() if holidays else "none"
        print(f"warning: bank holidays are listed only up to {last}; add the next year's, or the "
              "bot will say the office is open on those days", file=sys.stderr)
    for warning in profile.warnings(dt.date.today()):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .training import ensure_model

    ensure_model(force=args.force)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from iaa.profile import load_profile
    from .retention import purge
    from iaa.settings import get_settings
    from .supervisor import tracker_url

    settings = get_settings()
    summary = purge(load_profile(settings.profile_path), tracker_url(settings))
    print(f"[purge] {summary}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    import getpass

    from console.auth import create_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (12 characters or more): ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    try:
        create_user(args.username, args.first_name, args.role, password, speaks_welsh=args.welsh)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"[user] added {args.username} ({args.role}{', speaks Welsh' if args.welsh else ''})")
    return 0


def _operator() -> str:
    """Who ran the command, for the audit log's detail (its user is "(command line)")."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        import os

        return f"uid {os.getuid()}"


def cmd_user_manage(args: argparse.Namespace) -> int:
    from console import auth

    try:
        if args.user_command == "disable":
            ended = auth.disable_user(args.username, _operator())
            done = "disabled"
        elif args.user_command == "enable":
            ended = auth.enable_user(args.username, _operator())
            done = "enabled"
        elif args.user_command == "reset-password":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                import getpass

                password = getpass.getpass(f"New password ({auth.MIN_PASSWORD} characters or more): ")
                if getpass.getpass("Again: ") != password:
                    print("error: the passwords differ", file=sys.stderr)
                    return 2
            ended = auth.reset_password(args.username, password, _operator())
            done = "has a new password"
        elif args.user_command == "welsh":
            ended = auth.set_welsh(args.username, args.state == "on", _operator())
            done = "speaks Welsh" if args.state == "on" else "does not speak Welsh"
        else:
            ended = auth.revoke_sessions(args.username, _operator())
            done = "is signed out everywhere"
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"[user] {args.username} {done} ({ended} session(s) ended)")
    return 0


def create_demo_accounts_if_none() -> None:
    """Development only: one account per role with a fresh random password, so the console can
    be tried at once. Production has no default accounts or passwords."""
    import secrets

    from sqlalchemy import func, select

    from console.auth import create_user
    from iaa.models import StaffUser

    from iaa.db import session_scope
    from iaa.settings import VAR

    with session_scope() as db:
        if db.scalar(select(func.count()).select_from(StaffUser)):
            return
    lines = []
    for role, name in (("staff", "Sam"), ("planner", "Pat"), ("admin", "Ada")):
        password = secrets.token_urlsafe(12)
        create_user(f"demo-{role}", name, role, password)
        lines.append(f"demo-{role}  {password}")
    path = VAR / "demo-accounts.txt"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    print("[console] development accounts created (sign in at /console/login):\n  " + "\n  ".join(lines)
          + f"\n  (also in {path.relative_to(ROOT)})")


def load_sample_directory_if_empty() -> None:
    from sqlalchemy import func, select

    from directory.importer import import_services
    from directory.models import Service
    from directory.sources import read_services

    from iaa.db import session_scope

    with session_scope() as db:
        if db.scalar(select(func.count()).select_from(Service)):
            return
        summary = import_services(db, read_services(SAMPLE_DIRECTORY), str(SAMPLE_DIRECTORY))
    print(f"[directory] loaded the sample directory: {summary}")


def _port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def cmd_serve(args: argparse.Namespace) -> int:
    from iaa.profile import ProfileError, load_profile
    from iaa.settings import get_settings
    from .supervisor import FrontDoorProcesses, Ports, clean_up_predecessor, pid_file_for
    from .training import ensure_model

    def announce(message: str) -> None:
        print(message, flush=True)

    try:
        settings = get_settings()
    except ValueError as e:  # pydantic's ValidationError: say which setting, not a traceback
        print(f"[serve] the settings are not valid:\n{e}", file=sys.stderr)
        return 2
    if settings.production_problems():
        print("[serve] refusing to start in production with development defaults:\n- "
              + "\n- ".join(settings.production_problems()), file=sys.stderr)
        return 2
    try:
        profile = load_profile(settings.profile_path)
    except ProfileError as e:
        print(f"[serve] the council profile is not valid:\n{e}", file=sys.stderr)
        return 1
    print(f"[serve] council profile: {profile.council.name} ({settings.profile_path})")
    cmd_db_upgrade(args)
    load_sample_directory_if_empty()
    if settings.mode == "development":
        create_demo_accounts_if_none()
    cmd_purge(args)
    ports = Ports(frontdoor=settings.port, rasa=urlsplit(settings.rasa_url).port or 5005,
                  actions=urlsplit(settings.action_url).port or 5055)
    # A supervisor killed outright may have left its children holding these ports.
    pid_file = pid_file_for(ports)
    clean_up_predecessor(pid_file, announce)
    busy = [f"{name} port {port}" for name, port in
            (("front door (IAA_PORT)", ports.frontdoor), ("Rasa (IAA_RASA_URL)", ports.rasa),
             ("action server (IAA_ACTION_URL)", ports.actions)) if _port_in_use(port)]
    if busy:
        print(f"[serve] already in use: {', '.join(busy)}. Is another `iaa serve` running? "
              "Stop it, or choose other ports with those settings.", file=sys.stderr)
        return 1
    try:
        model = ensure_model()
    except RuntimeError as e:
        print(f"[serve] {e}; see the training output above", file=sys.stderr)
        return 1
    log_dir = Path(settings.log_dir) if settings.log_dir else None
    group = FrontDoorProcesses(settings, model, ports, log_dir=log_dir, pid_file=pid_file)

    def _stop(signum, _frame):  # only sets a flag; start() and watch() do the stopping
        group.request_stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        group.start(announce=announce)
    except (RuntimeError, TimeoutError) as e:
        print(f"[serve] could not start: {e}", file=sys.stderr)
        return 1
    if group.stopping:
        announce("[serve] stopping")
        group.stop()
        return 0
    if log_dir:
        announce(f"[serve] logs: {log_dir} (rolled over daily; `iaa purge` deletes old ones)")
    announce(f"[serve] ready: open http://localhost:{settings.port}/ (API docs at /docs). Ctrl-C stops.")
    # Restarts Rasa, the action server or the front door if one exits, until a signal.
    return group.watch(announce=announce)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="iaa", description="IAA front door")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("serve", help="migrate, train if needed, start everything").set_defaults(func=cmd_serve)

    t = sub.add_parser("train", help="train the Rasa model if its inputs changed")
    t.add_argument("--force", action="store_true", help="train even if the model is up to date")
    t.set_defaults(func=cmd_train)

    db = sub.add_parser("db", help="database jobs").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    prof = sub.add_parser("profile", help="council profile jobs").add_subparsers(dest="profile_command", required=True)
    check = prof.add_parser("check", help="validate a council profile file")
    check.add_argument("path")
    check.set_defaults(func=cmd_profile_check)

    sub.add_parser("purge", help="delete transcripts and numbers past the council's retention periods"
                   ).set_defaults(func=cmd_purge)

    users = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user_command", required=True)
    add = users.add_parser("add", help="add a staff, planner or admin account")
    add.add_argument("username")
    add.add_argument("--first-name", required=True, help="the only name citizens see")
    add.add_argument("--role", required=True, choices=["staff", "planner", "admin"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--welsh", action="store_true",
                     help="speaks Welsh: Welsh conversations are offered to them first")
    add.set_defaults(func=cmd_user_add)
    for name, text in (("disable", "stop an account signing in and end its sessions"),
                       ("enable", "let a disabled account sign in again"),
                       ("reset-password", "set a new password and end the account's sessions"),
                       ("revoke-sessions", "sign an account out everywhere")):
        one = users.add_parser(name, help=text + " (audited)")
        one.add_argument("username")
        if name == "reset-password":
            one.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        one.set_defaults(func=cmd_user_manage)
    welsh = users.add_parser("welsh", help="say whether an account speaks Welsh (audited)")
    welsh.add_argument("username")
    welsh.add_argument("state", choices=["on", "off"], help="on: speaks Welsh; off: does not")
    welsh.set_defaults(func=cmd_user_manage)

    from directory.cli import register as register_directory
    from safeguarding.cli import register as register_safeguarding
    from insights.cli import register as register_insights

    register_directory(sub)
    register_safeguarding(sub)
    register_insights(sub)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
