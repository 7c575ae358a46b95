"""`iaa directory ...`: import, export and freshness jobs for the directory team.

    directory import PATH [--dry-run] [--quiet]   ORUK 3.0 JSON or an HSDS CSV datapackage
    directory export PATH                          ORUK 3.0 JSON (a list of full service objects)
    directory stale [--months 12]                  services not checked for that long

Wire it into a parser with `register(sub)`, where `sub = parser.add_subparsers(...)`.
Exit codes: 0 done; 1 done, but some records were skipped; 2 the file could not be read.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import List

PROGRESS_FROM = 500  # records: below this a progress bar is more noise than help


def cmd_import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from iaa.db import session_scope

    from .importer import import_services
    from .sources import read_services

    try:
        records = read_services(Path(args.path))
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with tqdm(total=len(records), unit="service", file=sys.stderr,
              disable=len(records) < PROGRESS_FROM or args.quiet) as bar, session_scope() as db:
        summary = import_services(db, records, args.path, dry_run=args.dry_run, progress=bar.update)
    for problem in summary.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    print(f"[directory] {'dry run: would have ' if args.dry_run else ''}{summary}")
    return 1 if summary.problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from iaa.db import session_scope

    from .export import write_export

    with session_scope() as db:
        count = write_export(db, Path(args.path) if args.path != "-" else "-")
    if args.path != "-":
        print(f"[directory] exported {count} services to {args.path} (Open Referral UK 3.0 JSON)")
    return 0


def stale_rows(db, months: int = 12, today: dt.date | None = None) -> List[dict]:
    """Services (not defunct) whose details were last checked more than `months` ago, or never,
    oldest first."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from .cards import is_stale
    from .models import Service

    today = today or dt.date.today()
    rows = []
    for s in db.scalars(select(Service).options(selectinload(Service.organization))
                        .where(Service.status != "defunct")):
        checked = s.assured_date or (s.last_modified.date() if s.last_modified else None)
        if is_stale(checked, today, months):
            rows.append({"id": s.id, "name": s.name, "status": s.status, "last_checked": checked,
                         "organization": s.organization.name if s.organization else "",
                         "contact": s.email or (s.organization.email if s.organization else None) or ""})
    rows.sort(key=lambda r: (r["last_checked"] or dt.date.min, r["name"]))
    return rows


def cmd_stale(args: argparse.Namespace) -> int:
    from iaa.db import session_scope

    from .cards import date_text, months_ago

    if args.months < 1:
        print("error: --months must be at least 1", file=sys.stderr)
        return 2
    try:
        today = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        print(f"error: --as-of {args.as_of!r} is not a date like 2026-11-23", file=sys.stderr)
        return 2
    with session_scope() as db:
        rows = stale_rows(db, args.months, today)
    cutoff = months_ago(today, args.months)
    if not rows:
        print(f"[directory] every service has been checked since {date_text(cutoff)}")
        return 0
    print(f"{'last checked':<18} {'status':<18} {'id':<38} name (organisation; contact)")
    for r in rows:
        when = date_text(r["last_checked"]) if r["last_checked"] else "never"
        print(f"{when:<18} {r['status']:<18} {r['id']:<38} {r['name']} ({r['organization']}; {r['contact']})")
    print(f"[directory] {len(rows)} services not checked since {date_text(cutoff)}: the bot shows each with "
          "its last-checked date")
    return 0


def register(sub) -> argparse.ArgumentParser:
    """Adds `directory import|export|stale` to an argparse subparsers object."""
    d = sub.add_parser("directory", help="service directory jobs")
    dsub = d.add_subparsers(dest="directory_command", required=True)

    imp = dsub.add_parser("import", help="import Open Referral UK 3.0 JSON or an HSDS CSV datapackage")
    imp.add_argument("path", help="a .json file (list or paged response), a folder of .json pages, "
                                  "or a datapackage.json (or its folder)")
    imp.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(func=cmd_import)

    exp = dsub.add_parser("export", help="export every service as Open Referral UK 3.0 JSON")
    exp.add_argument("path", help="file to write, or - for standard output")
    exp.set_defaults(func=cmd_export)

    st = dsub.add_parser("stale", help="list services not checked recently, for the directory team")
    st.add_argument("--months", type=int, default=12, help="not checked for this many months (default 12)")
    st.add_argument("--as-of", metavar="DATE", help="count back from this date (YYYY-MM-DD) instead of today")
    st.set_defaults(func=cmd_stale)
    return d


def main(argv: List[str] | None = None) -> int:
    """`python -m directory.cli import PATH`, for use without the iaa entry point."""
    parser = argparse.ArgumentParser(prog="directory")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(["directory", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
