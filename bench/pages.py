"""The pages people load, measured through gunicorn beside the JSON search (issue 16).

bench/run.py calls `measure_pages(port)` while its gunicorn runs; the result is a list of rows
{"request", "p50_ms", "p95_ms", "n"} that bench/all.py prints as one Markdown table.

One client (http.client, one request at a time) asks every page once per round, in turn, so
each page sees the same moments of the machine's (noisy, shared) load; every answer must be
200. "Uncached" searches send a place never sent before (a city's centre moved by a few
hundredths of a mile, `lat,lng`), so each gunicorn worker computes the facet counts afresh, as
for a patient's new place; the JSON search gets the same places, for the ratio.
"""

import http.client
import json
import random
import statistics
import time
from urllib.parse import urlencode

CITY_CENTRES = [
    (40.7128, -74.0060), (34.0522, -118.2437), (41.8781, -87.6298), (29.7604, -95.3698),
    (33.4484, -112.0740), (39.9526, -75.1652), (29.4241, -98.4936), (32.7157, -117.1611),
    (32.7767, -96.7970), (30.2672, -97.7431), (30.3322, -81.6557), (39.9612, -82.9988),
    (35.2271, -80.8431), (39.7684, -86.1581), (47.6062, -122.3321), (39.7392, -104.9903),
    (42.3601, -71.0589), (36.1627, -86.7816), (45.5152, -122.6784), (33.7490, -84.3880),
]  # fmt: skip
SEARCH = {"radius": 25, "route": "iv", "insurance": "aetna"}
CACHED = 2  # the position of the cached results page in requests()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Places:
    """A new `lat,lng` near one of the cities on every call: a search no cache has seen."""

    def __init__(self, seed=16):
        self.random = random.Random(seed)
        self.turn = 0

    def __call__(self):
        lat, lng = CITY_CENTRES[self.turn % len(CITY_CENTRES)]
        self.turn += 1
        # At most about 0.7 miles from the centre: the same neighbourhood, another key.
        lat += self.random.uniform(-0.01, 0.01)
        lng += self.random.uniform(-0.01, 0.01)
        return f"{lat:.5f},{lng:.5f}"


def get(connection, path):
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}: {body[:300]!r}")
    return elapsed, body


def page_count(connection, path, field):
    _elapsed, body = get(connection, path)
    data = json.loads(body)
    return data[field] if field else data


def requests(connection):
    """[(label, function giving the next path)] of every measured request."""
    new_place = Places()
    # One place for the cached page, asked often enough while warming that every worker
    # holds its counts.
    cached_city = "{},{}".format(*CITY_CENTRES[0])

    hsds_pages = page_count(connection, "/api/v1/hsds/services/", "total_pages")
    fhir_total = page_count(connection, "/fhir/Location?_count=20", "total")
    fhir_pages = max(1, -(-fhir_total // 20))
    return [
        (
            "`/api/v1/locations/?near=<new lat,lng>&radius=25&route=iv&insurance=aetna`",
            lambda: "/api/v1/locations/?" + urlencode({"near": new_place(), **SEARCH}),
        ),
        (
            "`/search/?near=<new lat,lng>&…` (same search, HTML, facets **uncached**)",
            lambda: "/search/?" + urlencode({"near": new_place(), **SEARCH}),
        ),
        (
            "`/search/?near=<city>&…` (same page again, facets cached)",
            lambda: "/search/?" + urlencode({"near": cached_city, **SEARCH}),
        ),
        ("`/search/?route=iv` (browsing nationwide)", lambda: "/search/?route=iv"),
        ("`/providers/tx/` (state page)", lambda: "/providers/tx/"),
        ("`/api/v1/locations/?route=iv` (no place)", lambda: "/api/v1/locations/?route=iv"),
        ("`/api/v1/hsds/services/` page 1", lambda: "/api/v1/hsds/services/"),
        (
            "`/api/v1/hsds/services/?page=<last>`",
            lambda: f"/api/v1/hsds/services/?page={hsds_pages}",
        ),
        ("`/fhir/Location` page 1", lambda: "/fhir/Location"),
        (
            "`/fhir/Location?_page=<last>`",
            lambda: f"/fhir/Location?_page={fhir_pages}",
        ),
        ("`/` (home page)", lambda: "/"),
    ]


def measure_pages(ports, rounds=20, warm=2):
    """Rows of p50/p95 per request and server: with several `ports` (a before and an after),
    each round asks every server in turn, so both see the same load."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port in ports]
    measured = [requests(connection) for connection in connections]
    for _ in range(warm):  # every worker: imports, reference data, counts of fixed pages
        for connection, paths in zip(connections, measured, strict=True):
            for _label, path in paths:
                get(connection, path())
    for connection, paths in zip(connections, measured, strict=True):
        for _ in range(15):  # the cached page, until each worker holds its counts
            get(connection, paths[CACHED][1]())
    timings = [{label: [] for label, _path in paths} for paths in measured]
    for _ in range(rounds):
        for position in range(len(measured[0])):
            for connection, paths, times in zip(connections, measured, timings, strict=True):
                label, path = paths[position]
                times[label].append(get(connection, path())[0] * 1000)
    return [
        [
            {
                "request": label,
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "n": len(values),
            }
            for label, values in times.items()
        ]
        for times in timings
    ]


def markdown(columns, names, *, ratio=False):
    """One Markdown table: a row per request, p50 / p95 per column (`names`), and with
    `ratio` the second column's p50 over the first's."""
    header = "| request | " + " | ".join(names) + (" | after / before (p50) |" if ratio else " |")
    lines = [header, "|---" * (len(columns) + 1 + ratio) + "|"]
    for rows in zip(*columns, strict=True):
        cells = [f"{row['p50_ms']:g} / {row['p95_ms']:g} ms" for row in rows]
        if ratio:
            cells.append(f"{rows[1]['p50_ms'] / max(rows[0]['p50_ms'], 0.01):.2f}")
        lines.append(f"| {rows[0]['request']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
