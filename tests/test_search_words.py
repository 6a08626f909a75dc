"""The cost of a free-text search (issue 12.13): `q` (and HSDS `search`) looks for at most
MAX_SEARCH_WORDS distinct words, and junk parameters never defeat the facet cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.search.fields import MAX_SEARCH_WORDS, search_words
from tests.builders import make_location, offer

pytestmark = pytest.mark.django_db

ONE_LETTER_WORDS = " ".join("abcdefghijklmnopqrstuvwxyz"[i * 7 % 26] for i in range(100))


def test_search_words_drops_repeats_words_inside_others_and_past_the_cap():
    assert search_words("Rose rose ROSE") == ["Rose"]
    assert search_words("ket ketamine a Rose") == ["ketamine", "Rose"]
    assert len(search_words(ONE_LETTER_WORDS)) == MAX_SEARCH_WORDS
    assert search_words("") == search_words(None) == []


@pytest.fixture
def rose():
    location = make_location("Rose City Ketamine", 2)
    offer(location, "iv", 400, 600)
    other = make_location("Harbor", 3)
    offer(other, "iv", 300, 500)
    return location


def like_terms(client, url):
    """How many LIKE terms the page's SQL (results and facet counts) holds."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return sum(query["sql"].upper().count(" LIKE ") for query in captured)


@pytest.mark.parametrize("url", ["/search/", "/api/v1/locations/"])
def test_a_hundred_one_letter_words_cost_no_more_than_the_cap(client, rose, url):
    client.get(f"{url}?near=97205")  # reference data, read once per listings version
    one_word = like_terms(client, f"{url}?near=97205&q=rose")
    capped = " ".join(f"word{i}" for i in range(MAX_SEARCH_WORDS))

    assert one_word > 0
    assert like_terms(client, f"{url}?near=97205&q={ONE_LETTER_WORDS}") <= (
        like_terms(client, f"{url}?near=97205&q={capped}")
    )
    assert like_terms(client, f"{url}?near=97205&q={ONE_LETTER_WORDS}") <= (
        MAX_SEARCH_WORDS * one_word
    )


def test_repeated_words_find_what_the_word_finds(client, rose):
    once = client.get("/api/v1/locations/?near=97205&q=rose").json()
    repeated = client.get("/api/v1/locations/?near=97205&q=Rose rose ROSE r ro").json()
    assert [r["name"] for r in repeated["results"]] == [r["name"] for r in once["results"]]
    assert once["count"] == 1


def test_hsds_search_words_are_capped_too(client, rose):
    assert like_terms(client, f"/api/v1/hsds/organizations/?search={ONE_LETTER_WORDS}") <= (
        MAX_SEARCH_WORDS
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("junk", ["x=1", "utm_source=mail&x=2", "fbclid=abc"])
@pytest.mark.parametrize("search", ["", "near=97205", "near=97205&route=iv"])
def test_unknown_parameters_share_the_facet_cache_entry(client, rose, search, junk):
    client.get(f"/search/?{search}")  # counts the facets and caches them
    repeat = queries(client, f"/search/?{search}")

    assert queries(client, f"/search/?{search}&{junk}") == repeat
