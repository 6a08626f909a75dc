"""Compare (issue 19.6): a shortlist kept in the URL on results, browse and clinic pages, and
/compare/ showing the chosen clinics side by side."""

import datetime
import re
from html import unescape

import pytest

from clinics.models import Clinic, Verification
from tests.builders import ClinicFactory, add_location

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]


def build_listings():
    rose = ClinicFactory(
        name="Rose City Ketamine",
        slug="rose",
        verified_at=datetime.date(2026, 10, 2),
        offers_kap=True,
        medical_screening=True,
        rems_certified=False,
        observation_minutes=120,
        offers_telehealth=True,
        telehealth_states="OR, WA",
    )
    add_location(
        rose,
        name="Pearl District",
        postal_code="97209",
        miles=1,
        routes={
            "iv": {"price_min_usd": 450, "price_max_usd": 650, "series_price_usd": 2400},
            "esketamine": (0, 0),
        },
        payers=["cigna", ("aetna", "esketamine")],
        payment_options=["superbill"],
        hours=[(2, "08:00", "16:30")],
    )
    add_location(
        rose, name="Salem office", postal_code="97301", miles=45, bearing=180, routes={"im": None}
    )
    Verification.objects.create(
        clinic=rose, fact="phone", confirmed_on=datetime.date(2026, 9, 1), source="moderator"
    )
    bridge = ClinicFactory(name="Bridge Infusions", slug="bridge", offers_kap=None)
    add_location(bridge, postal_code="97214", miles=3, routes={"iv": (500, 700)})
    for n in range(3):
        add_location(ClinicFactory(name=f"Extra Clinic {n}", slug=f"extra-{n}"), miles=5 + n)
    hidden = ClinicFactory(name="Secret Draft Clinic", slug="secret", status=Clinic.Status.DRAFT)
    add_location(hidden, miles=2)


@pytest.fixture(scope="module")
def module_listings(module_db):
    return module_db.build(build_listings)


@pytest.fixture
def listings(module_listings):
    return module_listings


def text_of(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def links(html, label):
    return [
        unescape(href)
        for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
        if text.startswith(label)
    ]


# The compare page ---------------------------------------------------------------------------


def test_compare_shows_the_chosen_clinics_side_by_side(client):
    response = client.get("/compare/", {"clinic": ["rose", "bridge"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    headings = re.findall(r'<th scope="col"><a href="/clinics/([^/]+)/">', html)
    assert headings == ["rose", "bridge"]
    text = text_of(response)
    for fact in [
        "Comparing 2 clinics",
        "IV infusion : $450–$650 per session; series $2,400",
        "Esketamine (Spravato) nasal spray : Aetna",
        "All routes : Cigna",
        "Superbill",
        "KAP in house: yes",
        "KAP in house: not stated",  # Bridge did not say
        "Esketamine REMS-certified: no",
        "Observation after a dose: 120 min",
        "States: OR, WA",
        "Tue 8:00 AM–4:30 PM",
        "By a moderator on Oct 2, 2026",
        "Phone: Sep 1, 2026",
        "Not yet verified",
        "1 of 2 locations",
        "988",
    ]:
        assert fact in text, fact


def test_with_a_place_each_clinic_is_shown_at_its_nearest_location_with_the_distance(client):
    text = text_of(client.get("/compare/", {"clinic": ["rose"], "near": "97301"}))
    assert "Distance from Salem, OR 97301" in text
    assert "Salem office" in text
    assert "Pearl District" not in text
    near_portland = text_of(client.get("/compare/", {"clinic": ["rose"], "near": "97205"}))
    assert "Pearl District" in near_portland
    assert re.search(r"Distance from [^ ]+ [^ ]+ 97205 1\.0 miles", near_portland)


def test_unknown_unpublished_and_extra_clinics_are_left_out_and_said_so(client):
    text = text_of(client.get("/compare/", {"clinic": ["rose", "secret", "no-such"]}))
    assert "Comparing 1 clinic" in text
    assert "2 clinics in this link are no longer listed" in text
    assert "Secret Draft Clinic" not in text
    many = ["rose", "bridge", "extra-0", "extra-1", "extra-2", "rose"]
    text = text_of(client.get("/compare/", {"clinic": many}))
    assert "Comparing 4 clinics" in text
    assert "up to 4 clinics at a time" in text
    assert "Extra Clinic 2" not in text


def test_a_place_that_cannot_be_found_is_said_and_the_clinics_still_shown(client):
    response = client.get("/compare/", {"clinic": ["rose"], "near": "Nowhere, ZZ"})
    assert response.status_code == 400
    text = text_of(response)
    assert "The clinics are shown without distances" in text
    assert "Rose City Ketamine" in text
    odd = client.get("/compare/", {"clinic": ["<script>", "x" * 500], "near": "\x00"})
    assert odd.status_code == 200
    assert "Choose up to 4 clinics to compare" in text_of(odd)


def test_an_empty_comparison_explains_how_to_choose(client):
    text = text_of(client.get("/compare/"))
    assert "Choose up to 4 clinics to compare" in text
    assert "Add to compare" in text


def test_removing_a_clinic_keeps_the_others_and_the_place(client):
    html = client.get("/compare/", {"clinic": ["rose", "bridge"], "near": "97205"}).content
    [remove_rose, _remove_bridge] = links(html.decode(), "Remove")
    assert remove_rose == "/compare/?clinic=bridge&near=97205"


def test_compare_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/compare/", {"clinic": ["rose"]})
    with django_assert_max_num_queries(12):
        client.get("/compare/", {"clinic": ["rose", "bridge", "extra-0", "extra-1"]})


# The shortlist on other pages ---------------------------------------------------------------


def test_results_offer_add_to_compare_kept_in_the_url(client):
    html = client.get("/search/", {"near": "97205"}).content.decode()
    add = links(html, "Add to compare")
    assert "/search/?near=97205&compare=rose#result-" in add[0]
    assert "Your shortlist" not in html

    chosen = client.get("/search/", {"near": "97205", "compare": ["rose", "bridge"]})
    html = chosen.content.decode()
    assert "Your shortlist" in html
    assert links(html, "Compare 2 clinics side by side") == [
        "/compare/?clinic=rose&clinic=bridge&near=97205"
    ]
    assert any(
        "compare=bridge" in url and "compare=rose" not in url for url in links(html, "Remove")
    )
    # The shortlist follows the filters form, the pages and the clinic links.
    assert '<input type="hidden" name="compare" value="rose">' in html
    assert 'href="/clinics/rose/?compare=rose&amp;compare=bridge#loc-' in html


def test_the_shortlist_holds_four_clinics(client):
    four = ["rose", "bridge", "extra-0", "extra-1"]
    html = client.get("/search/", {"near": "97205", "compare": four}).content.decode()
    assert "Compare list full" in html
    assert "(4 of 4)" in html
    assert not links(html, "Add to compare")


def test_the_tray_names_only_published_clinics(client):
    html = client.get("/search/", {"near": "97205", "compare": ["secret", "rose"]}).content
    html = html.decode()
    assert "Secret Draft Clinic" not in html
    assert links(html, "see this one in the comparison table") == [
        "/compare/?clinic=rose&near=97205"
    ]


def test_clinic_and_browse_pages_offer_add_to_compare(client):
    html = client.get("/clinics/rose/").content.decode()
    assert links(html, "Add to compare") == ["/clinics/rose/?compare=rose"]
    html = client.get("/clinics/rose/", {"compare": ["bridge", "rose"]}).content.decode()
    assert links(html, "Remove from compare") == ["/clinics/rose/?compare=bridge"]
    assert links(html, "Compare 2 clinics side by side") == ["/compare/?clinic=bridge&clinic=rose"]
    city = client.get("/providers/or/portland/", {"compare": ["rose", "bridge"]}).content.decode()
    assert links(city, "Compare 2 clinics side by side") == [
        "/compare/?clinic=rose&clinic=bridge&near=Portland%2C+OR"
    ]
    state = client.get("/providers/or/", {"compare": "rose"}).content.decode()
    assert "Your shortlist" in state
    assert any(
        url.startswith("/providers/or/?compare=rose&compare=")
        for url in links(state, "Add to compare")
    )


def test_the_shortlist_does_not_change_the_facet_counts_cache_key():
    from django.http import QueryDict

    from clinics import caching
    from clinics.search import LocationFilter

    known = LocationFilter.base_filters
    assert caching.facets_key(QueryDict("near=97205"), known) == caching.facets_key(
        QueryDict("near=97205&compare=rose"), known
    )
