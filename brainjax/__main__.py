"""Command line:

python -m brainjax tour --out DIR [--smoke] [--only NAME ...]
python -m brainjax bench --quick [--only NAME ...]
"""

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m brainjax",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    tour = commands.add_parser(
        "tour", help="simulate every model family; write plots, summary.md and summary.json"
    )
    tour.add_argument(
        "--out", type=Path, default=Path("tour"), help="output folder (default: tour)"
    )
    tour.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    tour.add_argument("--only", nargs="+", metavar="SECTION", help="run only these sections")
    bench = commands.add_parser(
        "bench",
        help="run the benchmarks of a repository checkout and print same-run ratios",
        description="Run every script in benchmarks/ (from a repository checkout) and "
        "print one table of runtime ratios measured in the same run.",
    )
    bench.add_argument(
        "--quick", action="store_true", help="the quick mode of every benchmark (minutes)"
    )
    bench.add_argument(
        "--only", nargs="+", metavar="NAME", help="run only these benchmarks (e.g. coba memory)"
    )
    bench.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds per benchmark (default: 1800)"
    )
    args = parser.parse_args(argv)

    if args.command == "bench":
        from ._bench import run_bench

        return run_bench(quick=args.quick, only=args.only, timeout=args.timeout)

    from ._tour import run_tour

    summary = run_tour(args.out, smoke=args.smoke, only=args.only)
    print(f"\nbrainjax tour done: plots and summary in {args.out.resolve()}/ (see {summary.name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
