"""Command line: `python -m brainjax tour --out DIR [--smoke] [--only NAME ...]`."""

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m brainjax", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    tour = commands.add_parser(
        "tour", help="simulate every model family; write plots and summary.md"
    )
    tour.add_argument(
        "--out", type=Path, default=Path("tour"), help="output folder (default: tour)"
    )
    tour.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    tour.add_argument("--only", nargs="+", metavar="SECTION", help="run only these sections")
    args = parser.parse_args(argv)

    from ._tour import run_tour

    summary = run_tour(args.out, smoke=args.smoke, only=args.only)
    print(f"\nbrainjax tour done: plots and summary in {args.out.resolve()}/ (see {summary.name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
