"""The whole scale benchmark in one command: `make bench` (a script, not a test).

For each size it makes sure a PostgreSQL database bench_<size> holds that many synthetic
locations (creating and filling it with generate.py the first time; 1M is clustered by
latitude), migrates it, runs run.py against it and finally prints one Markdown table row per
size, the rows of the README's table. Sizes: `BENCH_SIZES="10k 100k 1m" make bench`.

    uv run python bench/all.py 10k 100k 1m
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pages import markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The databases' names: <prefix>_<size>, so two checkouts on one server need not share them.
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def location_count(url):
    try:
        with psycopg.connect(url) as connection:
            return connection.execute("SELECT count(*) FROM clinics_location").fetchone()[0]
    except psycopg.Error:
        return None


def prepare(label):
    name = f"{PREFIX}_{label}"
    url = f"{SERVER}/{name}"
    env = os.environ | {"DATABASE_URL": url, "DEBUG": "1"}
    if location_count(url) != SIZES[label]:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        command = [sys.executable, "bench/generate.py", str(SIZES[label])]
        if SIZES[label] >= 1_000_000:
            command.append("--cluster")
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return url


def table_row(result):
    single, load = result["single_connection_wrk"], result["concurrent"]
    process = result["in_process"]
    sql = process["sql_explain_analyze"]
    return (
        f"| {result['label']} | {result['matches_median']:g} "
        f"| {single['p50_ms']:.1f} / {single['p95_ms']:.1f} / {single['p99_ms']:.1f} ms "
        f"| {load['p50_ms']:.0f} / {load['p95_ms']:.0f} ms, {load['requests_per_second']:.0f} req/s "
        f"| {sql['p50_ms']:.1f} / {sql['p95_ms']:.1f} ms "
        f"| {process['request_to_sql_ratio_median']} "
        f"| {', '.join(map(str, process['queries_per_request']))} |"
    )


def main():
    labels = sys.argv[1:] or ["10k", "100k"]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        raise SystemExit(f"Unknown size {unknown}; choose from {', '.join(SIZES)}.")
    rows, pages = [], []
    for label in labels:
        url = prepare(label)
        subprocess.run(
            [sys.executable, "bench/run.py", "--label", label],
            cwd=ROOT,
            env=os.environ | {"DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        result = json.loads((ROOT / "bench" / "results" / f"{label}.json").read_text())
        rows.append(table_row(result))
        pages.append((label, result["pages"]))
    print(
        "| locations | matches (median) | one client (wrk, 1 conn.) p50 / p95 / p99 "
        "| under load (8 conn.) p50 / p95, req/s | SQL per request (EXPLAIN ANALYZE) p50 / p95 "
        "| request / SQL (median) | queries |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(markdown([rows for _label, rows in pages], [f"{label} p50 / p95" for label, _ in pages]))


if __name__ == "__main__":
    main()
