"""The whole scale benchmark in one command: `make bench` (a script, not a test).

For each size it makes sure a PostgreSQL database <prefix>_<size> (BENCH_DATABASE_PREFIX,
default bench) holds that many synthetic locations (creating and filling it with generate.py
the first time; 1M is clustered by latitude), migrates it, runs run.py against it (gunicorn,
production settings: the JSON search through wrk, the pages of pages.py) and times
`import_clinics` of as many rows into a fresh PostgreSQL database <prefix>_import
(import_benchmark.py; BENCH_IMPORT=0 skips it, sizes above BENCH_IMPORT_MAX, default 100k, are
not imported). It prints one Markdown table, a row per request of issue 16 and a column per
size, with the load average before and after, then the JSON search in detail.

    uv run python bench/all.py 10k 100k 1m"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The databases' names: <prefix>_<size>, so two checkouts on one server need not share them.
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# Imports of more rows than this are not run (a million would take about 20 minutes).
IMPORT_MAX = int(os.environ.get("BENCH_IMPORT_MAX", "100000"))


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


def run_import(label):
    """Seconds of `import_clinics` of as many rows as the size into a fresh PostgreSQL
    database <prefix>_import (bench/import_benchmark.py), or None above BENCH_IMPORT_MAX."""
    rows = SIZES[label]
    if os.environ.get("BENCH_IMPORT", "1") == "0" or rows > IMPORT_MAX:
        return None
    out = ROOT / "bench" / "results" / f"import-{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "bench/import_benchmark.py", "--rows", str(rows), "--no-dry-run",
         "--postgres", f"{SERVER}/{PREFIX}_import", "--json", str(out)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return json.loads(out.read_text())


# The aims at 100k (issue 16), printed beside the figures.
AIMS = {
    "json_one": "p50 <= 15 ms",
    "json_load": ">= 150 req/s",
    "uncached": "p50 <= 30, p95 <= 60 ms",
    "ratio": "<= 2",
    "browse": "p50 <= 50 ms",
    "open": "p50 <= 50 ms, any page",
    "home": "<= 20 ms",
    "import": "<= 60 s",
    "queries": "1",
}
# bench/pages.py's rows, in its order, with the aim each answers to.
PAGE_AIMS = ["", "uncached", "", "browse", "browse", "browse"] + ["open"] * 4 + ["home"]


def cell(row):
    return f"{row['p50_ms']:g} / {row['p95_ms']:g} ms"


def one_table(results, imports):
    """The issue's rows, a column per size and the aim at 100k: one Markdown table."""
    labels = [result["label"] for result in results]
    lines = [
        "| request | " + " | ".join(f"{label} p50 / p95" for label in labels) + " | aim (100k) |",
        "|---" * (len(labels) + 2) + "|",
    ]

    def add(name, cells, aim=""):
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {AIMS.get(aim, '')} |")

    add(
        "JSON search `/api/v1/locations/?near=<city>&radius=25&route=iv&insurance=aetna`, "
        "one client (wrk, 1 connection)",
        [cell(r["single_connection_wrk"]) for r in results],
        "json_one",
    )
    add(
        "the same, 8 connections (wrk, 20 s): req/s (p50 / p95)",
        [
            f"**{r['concurrent']['requests_per_second']:.0f} req/s** "
            f"({r['concurrent']['p50_ms']:.0f} / {r['concurrent']['p95_ms']:.0f} ms)"
            for r in results
        ],
        "json_load",
    )
    add(
        "SQL queries per JSON search",
        [", ".join(map(str, r["in_process"]["queries_per_request"])) for r in results],
        "queries",
    )
    for position, aim in enumerate(PAGE_AIMS):
        add(
            results[0]["pages"][position]["request"],
            [cell(r["pages"][position]) for r in results],
            aim,
        )
        if position == 1:
            add(
                "uncached HTML page / JSON search of the same new places (p50)",
                [
                    f"{r['pages'][1]['p50_ms'] / max(r['pages'][0]['p50_ms'], 0.01):.1f}x"
                    for r in results
                ],
                "ratio",
            )
    add(
        "`import_clinics` of as many rows as the size into PostgreSQL, every history row: "
        "first import / same file again",
        [
            f"{i['first_import_s']:g} s / {i['same_file_again_s']:g} s" if i else "not run"
            for i in imports
        ],
        "import",
    )
    return "\n".join(lines)


def load_average():
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    labels = sys.argv[1:] or ["10k", "100k"]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        raise SystemExit(f"Unknown size {unknown}; choose from {', '.join(SIZES)}.")
    before = load_average()
    started = time.perf_counter()
    rows, results, imports = [], [], []
    for label in labels:
        url = prepare(label)
        print(f"{label}: gunicorn, wrk and the pages ...", file=sys.stderr, flush=True)
        subprocess.run(
            [sys.executable, "bench/run.py", "--label", label],
            cwd=ROOT,
            env=os.environ | {"DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        result = json.loads((ROOT / "bench" / "results" / f"{label}.json").read_text())
        rows.append(table_row(result))
        results.append(result)
        print(f"{label}: import ...", file=sys.stderr, flush=True)
        imports.append(run_import(label))
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {results[0]['gunicorn_workers']} "
        f"gunicorn workers, production settings; load average (1 / 5 / 15 min) before {before}, "
        f"after {load_average()}; {time.perf_counter() - started:.0f} s in all"
    )
    print()
    print(one_table(results, imports))
    print()
    print("The JSON search in detail:")
    print()
    print(
        "| locations | matches (median) | one client (wrk, 1 conn.) p50 / p95 / p99 "
        "| under load (8 conn.) p50 / p95, req/s | SQL per request (EXPLAIN ANALYZE) p50 / p95 "
        "| request / SQL (median) | queries |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
