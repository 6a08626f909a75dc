"""Scale benchmark of the search API through gunicorn (a script, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k uv run python bench/run.py --label 100k

The search: route=iv and insurance=aetna within 25 miles of one of 20 large US cities. It reports
  - single-client latency through gunicorn (p50/p95/p99), from Python's http.client (which
    also checks every answer) and from wrk with one connection (Debian package `wrk`),
  - throughput and latency under concurrent load from wrk,
  - SQL queries per request and, for the same searches in-process, the ratio of the Django
    request time to the SQL time measured with EXPLAIN ANALYZE.
  - the pages people load (bench/pages.py): the HTML results page with facets uncached and
    cached, browsing without a place, a state page, the open data lists (first and last page)
    and the home page, p50/p95 from one client.
Results are printed and written to bench/results/<label>.json.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CITIES = [
    "New York, NY", "Los Angeles, CA", "Chicago, IL", "Houston, TX", "Phoenix, AZ",
    "Philadelphia, PA", "San Antonio, TX", "San Diego, CA", "Dallas, TX", "Austin, TX",
    "Jacksonville, FL", "Columbus, OH", "Charlotte, NC", "Indianapolis, IN", "Seattle, WA",
    "Denver, CO", "Boston, MA", "Nashville, TN", "Portland, OR", "Atlanta, GA",
]  # fmt: skip


def search_path(city):
    query = {"near": city, "radius": 25, "route": "iv", "insurance": "aetna"}
    return "/api/v1/locations/?" + urlencode(query)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary_ms(seconds):
    values = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "n": len(values),
    }


def server_env(database_url, workers):
    return os.environ | {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": "http://127.0.0.1",  # production settings require it
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        "DEMO_DATA_NOTICE": "0",
    }


def start_gunicorn(env, port, root=ROOT):
    # Production settings serve hashed static files from the manifest collectstatic writes:
    # without it every HTML page is a 500.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=root, env=env, check=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "directory.wsgi", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def single_client(port, rounds):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    paths = [search_path(city) for city in CITIES]
    for path in paths:  # warm the workers' caches and connections
        connection.request("GET", path)
        connection.getresponse().read()
    timings, counts = [], []
    for round_number in range(rounds):
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            timings.append(time.perf_counter() - started)
            if round_number == 0:
                assert response.status == 200, (response.status, body[:300])
                counts.append(json.loads(body)["count"])
    return timings, counts


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.2f %%.2f %%.2f %%.2f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
"""


def concurrent_load(port, seconds, connections):
    paths = ", ".join(f'"{search_path(city)}"' for city in CITIES)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "-s", script.name,
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fields = re.search(r"RESULT (.*)", output).group(1).split()
    return {
        "connections": connections,
        "requests": int(fields[0]),
        "errors": int(fields[1]),
        "p50_ms": float(fields[3]),
        "p95_ms": float(fields[4]),
        "p99_ms": float(fields[5]),
        "requests_per_second": round(float(fields[6]), 1),
    }


def explain_seconds(queries):
    """Planning plus execution time of captured queries, from EXPLAIN ANALYZE."""
    from django.db import connection

    total_ms = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total_ms += plan[0]["Planning Time"] + plan[0]["Execution Time"]
    return total_ms / 1000


def in_process(rounds):
    """Queries per request, and Django request time against EXPLAIN ANALYZE time of its SQL."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    request_times, sql_times, query_counts = [], [], set()
    for city in CITIES:
        path = search_path(city)
        client.get(path)  # warm: the first search of a process also reads reference data
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        # A copy: the next request resets the connection's query log the capture reads.
        queries = list(captured.captured_queries)
        query_counts.add(len(queries))
        durations = []
        for _ in range(rounds):  # timed without query capture, which costs time of its own
            started = time.perf_counter()
            client.get(path)
            durations.append(time.perf_counter() - started)
        request_times.append(statistics.median(durations))
        if connection.vendor == "postgresql":
            sql_times.append(statistics.median(explain_seconds(queries) for _ in range(3)))
    result = {
        "queries_per_request": sorted(query_counts),
        "django_request": summary_ms(request_times),
    }
    if sql_times:
        ratios = [r / s for r, s in zip(request_times, sql_times, strict=True)]
        result["sql_explain_analyze"] = summary_ms(sql_times)
        result["request_to_sql_ratio_median"] = round(statistics.median(ratios), 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--page-rounds", type=int, default=20)
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    os.environ.update(server_env(database_url, args.workers))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    from bench.pages import measure_pages

    server = start_gunicorn(server_env(database_url, args.workers), args.port)
    try:
        timings, counts = single_client(args.port, args.rounds)
        # One connection through wrk as well: a C client adds less of its own time than
        # http.client, which competes with gunicorn and PostgreSQL for the two cores.
        alone = concurrent_load(args.port, args.seconds, 1)
        load = concurrent_load(args.port, args.seconds, args.connections)
        [pages] = measure_pages([args.port], rounds=args.page_rounds)
    finally:
        server.terminate()
        server.wait()
    import django

    django.setup()
    from clinics.models import Location

    result = {
        "label": args.label,
        "locations": Location.objects.count(),
        "machine": f"{os.cpu_count()} cores; {os.uname().sysname} {os.uname().release}",
        "gunicorn_workers": args.workers,
        "matches_median": statistics.median(counts),
        "single_client": summary_ms(timings),
        "single_connection_wrk": alone,
        "concurrent": load,
        "pages": pages,
        "in_process": in_process(max(3, args.rounds // 2)),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.label}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
