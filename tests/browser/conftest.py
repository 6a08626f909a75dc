"""Browser tests (issue 7): Playwright for Python driving Debian's Chromium against live_server.

One Chromium per test session; each test gets fresh browser contexts. Every context routes all
requests: the live server's are let through, map tiles and the vendored axe-core are answered
locally, and anything for another host is aborted and recorded, so a test fails when a page
tries to reach the outside world. The tests are skipped when Chromium is not installed.
"""

import itertools
import os
import struct
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import serializers
from django.core.cache import caches
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from clinics.models import Clinic, Clinician, Location, Offering, OpeningHours, PayerAcceptance
from tests.builders import build_browser_listings

# Playwright's sync API runs an event loop in the main thread; the Django ORM calls made by
# the tests themselves (building data, checking results) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_PATH = "/__browser-tests__/axe.min.js"
TILE_PATH = "/__browser-tests__/tiles/"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _grey_tile_png(size=256):
    """A plain light-grey PNG map tile, made here so no tile server is needed."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xe8" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


TILE_PNG = _grey_tile_png()


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(items):
    """Browser tests first among the transactional tests.

    They start from the migrated database (serialized_rollback), which Django restores on
    top of an emptied one; a transactional test without it, run earlier, would leave the
    content types that flushing re-creates, and the restore would clash with them.
    """
    browser = [item for item in items if item.get_closest_marker("browser")]
    if not browser:
        return
    others = [item for item in items if not item.get_closest_marker("browser")]
    position = next(
        (index for index, item in enumerate(others) if _is_transactional(item)), len(others)
    )
    items[:] = others[:position] + browser + others[position:]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium); skipped"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class Site:
    """Browser contexts pointed at the live server, with every request accounted for."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.url = base_url
        self.contexts = []
        self.foreign_requests = []
        self.tile_requests = []

    def new_context(self, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = self.browser.new_context(base_url=self.url, **options)
        context.set_default_timeout(15_000)
        context.route("**/*", self._route)
        self.contexts.append(context)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.url:
            self.foreign_requests.append(url)
            return route.abort()
        if parts.path.startswith(TILE_PATH):
            self.tile_requests.append(url)
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        if parts.path == AXE_PATH:
            return route.fulfill(status=200, content_type="text/javascript", path=str(AXE_JS))
        return route.continue_()

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def site(browser, live_server, settings, listings):
    # Tiles come from the live server's origin (answered by the route above), which the
    # Content-Security-Policy allows as 'self'. Cookies over plain http to localhost.
    settings.MAP_TILE_URL = f"{live_server.url}{TILE_PATH}{{z}}/{{x}}/{{y}}.png"
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    site = Site(browser, live_server.url)
    yield site
    site.close()
    assert site.foreign_requests == [], "a page requested another host"


@pytest.fixture
def page(site):
    return site.new_page()


class _RolledBack(Exception):
    pass


@pytest.fixture(scope="session")
def _listings_fixture_file(tmp_path_factory):
    return {"path": tmp_path_factory.mktemp("browser-data") / "browser_listings.json"}


# What the data set is made of; reference data (routes, payers, ...) comes from migrations.
LISTING_MODELS = [Clinic, Location, Offering, PayerAcceptance, OpeningHours, Clinician]


def _clear_listings():
    """Start from no listings, whatever an earlier test in this process may have left."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        Clinic._base_manager.all().delete()


@pytest.fixture(scope="session")
def _migrated_database(django_db_setup, django_db_blocker):
    """The database as migrations left it (reference data, groups), serialized.

    Browser tests run first among the transactional tests, so the database is still in
    that state when the first one starts."""
    with django_db_blocker.unblock():
        return getattr(connection, "_test_serialized_contents", None) or (
            connection.creation.serialize_db_to_string()
        )


@pytest.fixture
def listings(transactional_db, _listings_fixture_file, _migrated_database):
    """Load the browser data set: built once per session, then bulk-loaded for each test."""
    if not hasattr(connection, "_test_serialized_contents"):
        # Django keeps the migrated state on the connection object (serialized_rollback);
        # a test that replaced that object loses it, and then the database would neither be
        # restored before the next test nor flushed without re-creating content types.
        connection._test_serialized_contents = _migrated_database
    path = _listings_fixture_file["path"]
    if not path.exists():
        try:
            with transaction.atomic():
                _clear_listings()
                build_browser_listings()
                objects = itertools.chain.from_iterable(
                    model._base_manager.order_by("pk") for model in LISTING_MODELS
                )
                path.write_text(serializers.serialize("json", objects))
                raise _RolledBack
        except _RolledBack:
            pass
    _clear_listings()
    _bulk_load(path.read_text())
    # Rows inserted in bulk send no signals: nothing cached (facet counts, places, the rate
    # limit of the public forms) may outlive the data it was computed from.
    for cache in caches.all():
        cache.clear()


def _bulk_load(data):
    """Insert serialized rows with one INSERT per model (and per many-to-many table): much
    faster than loaddata, and no history records, since a test fixture is nobody's change."""
    rows, m2m = {}, []
    for deserialized in serializers.deserialize("json", data):
        rows.setdefault(type(deserialized.object), []).append(deserialized.object)
        for name, pks in deserialized.m2m_data.items():
            m2m.append((deserialized.object, name, pks))
    for model, objects in rows.items():
        model._default_manager.bulk_create(objects)
    through_rows = {}
    for instance, name, pks in m2m:
        field = instance._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through_rows.setdefault(through, []).extend(
            through(**{f"{source}_id": instance.pk, f"{target}_id": pk}) for pk in pks
        )
    for through, objects in through_rows.items():
        through._default_manager.bulk_create(objects)
    # PostgreSQL: move the id sequences past the loaded ids.
    statements = connection.ops.sequence_reset_sql(no_style(), [*rows, *through_rows])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def axe_violations(page, exclude=()):
    """axe-core's violations on the current page, as readable strings (none is the goal).

    `exclude` lists CSS selectors of parts not checked (each use says why)."""
    page.add_script_tag(url=AXE_PATH)
    violations = page.evaluate(
        """async (exclude) => {
            const context = {include: [document], exclude: exclude.map((s) => [s])};
            const results = await axe.run(context, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }""",
        list(exclude),
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    ]


def open_filters(page):
    """Open the results page's filters. search.js opens them on wide screens once the page
    has loaded; toggling the summary before it runs would let it be closed again."""
    page.wait_for_load_state("load")
    filters = page.locator("details.filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").click()


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 means no sideways scroll)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
