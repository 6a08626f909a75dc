"""Before and after, side by side in one run: the pages of bench/pages.py through two
gunicorns on the same database, one serving another checkout (the code before a change).

    git worktree add --detach /tmp/before <commit>
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k \
        uv run python bench/compare.py /tmp/before

Each round asks every page of the before server, then of this checkout's, in turn, so both
meet the same load on a shared machine; it prints p50 / p95 of each and the ratio of p50s.
Both use this checkout's virtualenv; the database must be migrated for both.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import markdown, measure_pages  # noqa: E402
from bench.run import server_env, start_gunicorn  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    env = server_env(os.environ["DATABASE_URL"], args.workers)
    servers = [
        start_gunicorn(env | {"PYTHONPATH": str(args.before.resolve())}, 8197, args.before),
        start_gunicorn(env, 8198, ROOT),
    ]
    try:
        columns = measure_pages([8197, 8198], rounds=args.rounds)
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    print(markdown(columns, ["before p50 / p95", "after p50 / p95"], ratio=True))


if __name__ == "__main__":
    main()
