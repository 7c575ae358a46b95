"""`iaa stats export|summary`: the statistics from the command line, the same as the console's
insights API (console/insights_api.py)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .export import as_csv, financial_year_return, flexible_export
from .periods import PeriodError, parse_period
from .queries import DIMENSIONS, DimensionError, check_dimensions, summary


def cmd_export(args: argparse.Namespace) -> int:
    published = not args.raw
    try:
        if args.financial_year:
            parse_period(args.financial_year)
            doc = financial_year_return(args.financial_year, published)
        else:
            if not args.period:
                print("[stats] give --return FINANCIAL_YEAR, or --dims with --period", file=sys.stderr)
                return 2
            dims = check_dimensions([d for d in args.dims.split(",") if d.strip()])
            doc = flexible_export(dims, parse_period(args.period), published)
    except (PeriodError, DimensionError) as e:
        print(f"[stats] {e}", file=sys.stderr)
        return 2
    text = as_csv(doc) if args.format == "csv" else json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.out in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        cells = sum(len(t["rows"]) for t in doc["tables"])
        print(f"[stats] wrote {len(doc['tables'])} table(s), {cells} cells, "
              f"{'published (small numbers suppressed)' if published else 'RAW counts, not for publication'}, "
              f"to {args.out}", file=sys.stderr)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    try:
        period = parse_period(args.period)
    except PeriodError as e:
        print(f"[stats] {e}", file=sys.stderr)
        return 2
    print(json.dumps(summary(period), indent=2, ensure_ascii=False))
    return 0


def register(sub) -> argparse.ArgumentParser:
    """Adds `stats export|summary` to an argparse subparsers object."""
    s = sub.add_parser("stats", help="enquiry statistics for planners")
    ssub = s.add_subparsers(dest="stats_command", required=True)
    exp = ssub.add_parser("export", help="the financial-year return or a flexible export, published "
                                         "with small numbers suppressed unless --raw")
    exp.add_argument("--return", dest="financial_year", metavar="YEAR", help="the return for a financial year (2026-27)")
    exp.add_argument("--dims", default="theme", help=f"flexible export: up to 4 of {', '.join(DIMENSIONS)}")
    exp.add_argument("--period", help="2026-27, 2026-27-Q1, 2026-05 or 2026-04-01..2026-06-30")
    exp.add_argument("--format", choices=("csv", "json"), default="csv")
    exp.add_argument("--raw", action="store_true", help="raw counts (not for publication)")
    exp.add_argument("--out", help="file to write (default standard output)")
    exp.set_defaults(func=cmd_export)
    summ = ssub.add_parser("summary", help="the dashboard's figures for a period, as JSON (raw counts)")
    summ.add_argument("period", help="2026-27, 2026-27-Q1, 2026-05 or 2026-04-01..2026-06-30")
    summ.set_defaults(func=cmd_summary)
    return s
