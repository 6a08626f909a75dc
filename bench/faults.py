"""Scripted fault checks against gunicorn (not a test: it restarts the local PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_10k uv run python bench/faults.py

1. PostgreSQL restarted while searches run: requests may fail only while it is down, and
   succeed again afterwards without restarting gunicorn (persistent connections are
   health-checked and reopened).
2. Redis stopped while searches run: every search is still answered (the cache degrades to
   misses). A private redis-server on port 6391 is used, never the machine's own.
Exits non-zero when either expectation fails.
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import search_path, server_env, start_gunicorn  # noqa: E402

PORT = 8198
REDIS_PORT = 6391


def hammer(stop, log):
    """Sequential searches until stopped; log (time, status or error)."""
    paths = [search_path("Chicago, IL"), search_path("Portland, OR"), "/healthz"]
    i = 0
    while not stop.is_set():
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", paths[i % len(paths)])
            log.append((time.monotonic(), connection.getresponse().status))
        except OSError as error:
            log.append((time.monotonic(), type(error).__name__))
        i += 1
        time.sleep(0.05)


def run_with_fault(env, fault, recover):
    server = start_gunicorn(env, PORT)
    stop, log = threading.Event(), []
    thread = threading.Thread(target=hammer, args=(stop, log))
    try:
        thread.start()
        time.sleep(3)
        fault_at = time.monotonic()
        fault()
        recovered_at = time.monotonic()
        if recover:
            recover()
            recovered_at = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        thread.join()
        server.terminate()
        server.wait()
    before = [s for t, s in log if t < fault_at]
    during = [s for t, s in log if fault_at <= t < recovered_at + 1]
    after = [s for t, s in log if t >= recovered_at + 1]
    return before, during, after


def postgres_restart():
    cluster = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "stop", "-m", "fast"],
        check=True,
    )
    time.sleep(2)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"], check=True)  # fmt: skip


def main():
    ok = True
    env = server_env(os.environ["DATABASE_URL"], workers=2)

    before, during, after = run_with_fault(env, postgres_restart, None)
    print(f"PostgreSQL restart: before {set(before)}, during {set(during)}, after {set(after)}")
    if set(before) != {200} or not after or set(after) != {200}:
        print("FAIL: searches did not recover after PostgreSQL came back")
        ok = False

    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    redis_env = env | {"REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0"}
    before, during, after = run_with_fault(
        redis_env, lambda: (redis.terminate(), redis.wait()), None
    )
    print(f"Redis stopped: before {set(before)}, during {set(during)}, after {set(after)}")
    if {*before, *during, *after} != {200}:
        print("FAIL: a search failed while Redis was down")
        ok = False

    print("faults: ok" if ok else "faults: FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
