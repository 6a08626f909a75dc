"""What a results page says it searched for: the chosen filters as removable chips, and a
heading that names them ("3 IV locations taking Aetna within 25 miles of Austin, TX")."""

from dataclasses import dataclass

from django.http import QueryDict

from clinics.validators import US_STATES

# The repeatable filters, in the order the page names them, and the key of their options.
OPTIONS = [
    ("route", "slug"),
    ("insurance", "slug"),
    ("condition", "slug"),
    ("payment", "slug"),
    ("language", "code"),
]
FLAG_WORDS = {
    "psychotherapy": "Psychotherapy",
    "telehealth": "Telehealth or at home",
    "accepting": "Accepting new patients",
}
# What stays when every filter is cleared: the place and how results are shown.
KEPT = ("near", "radius", "sort", "page_size", "compare")


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def chips(request, search, fixed=()):
    """A chip for every chosen filter value, each linking to the search without it; not for
    the parameters a page fixes itself (`fixed`: a state page's `state`)."""
    cleaned = {k: v for k, v in search.form.cleaned_data.items() if k not in fixed}
    found = []
    for name, key in OPTIONS:
        for option in cleaned.get(name) or ():
            found.append(Chip(option.name, _without(request, name, getattr(option, key))))
    for name, word in FLAG_WORDS.items():
        if cleaned.get(name):
            found.append(Chip(word, _without(request, name)))
    if (price := cleaned.get("max_price")) is not None:
        found.append(Chip(f"Up to ${price:,.0f} a session", _without(request, "max_price")))
    if words := cleaned.get("q"):
        found.append(Chip(f"Name: “{words}”", _without(request, "q")))
    if state := cleaned.get("state"):
        found.append(Chip(f"In {US_STATES[state]}", _without(request, "state")))
    if state := cleaned.get("serves"):
        found.append(Chip(f"Remote care for {US_STATES[state]}", _without(request, "serves")))
    return found


def clear_all_url(request):
    kept = QueryDict(mutable=True)
    for name in KEPT:
        if values := request.GET.getlist(name):
            kept.setlist(name, values)
    return f"{request.path}?{kept.urlencode()}" if kept else request.path


def heading(search, count):
    """ "3 IV or IM locations taking Aetna within 25 miles of Austin, TX"."""
    cleaned = search.form.cleaned_data
    routes = " or ".join(route.short_name for route in cleaned.get("route") or ())
    noun = "location" if count == 1 else "locations"
    words = [f"{count:,}", routes, noun] if routes else [f"{count:,}", noun]
    if payers := cleaned.get("insurance"):
        words.append("taking " + " or ".join(payer.name for payer in payers))
    if state := cleaned.get("serves"):
        words.append(f"with remote care for {US_STATES[state]}")
    if state := cleaned.get("state"):
        words.append(f"in {US_STATES[state]}")
    if search.place and not cleaned.get("serves"):
        words.append(f"within {search.radius_miles:g} miles of {search.place.label}")
    elif search.place:
        words.append(f"(distances from {search.place.label})")
    return " ".join(words)


def _without(request, name, value=None):
    """The current search without `name` (or only without its `value`), from page 1."""
    query = request.GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [v for v in query.getlist(name) if v != str(value)])
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path
