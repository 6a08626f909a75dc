"""What a results page says it searched for: the chosen filters as removable chips, and a
heading that names them ("3 IV locations taking Aetna within 25 miles of Austin, TX")."""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clinics.geo import any_of
from clinics.validators import state_label

# The repeatable filters, in the order the page names them, and the key of their options.
OPTIONS = [
    ("route", "slug"),
    ("insurance", "slug"),
    ("condition", "slug"),
    ("payment", "slug"),
    ("language", "code"),
]
FLAG_WORDS = {
    "psychotherapy": gettext_lazy("Psychotherapy"),
    "telehealth": gettext_lazy("Telehealth or at home"),
    "accepting": gettext_lazy("Accepting new patients"),
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
            found.append(Chip(option.label, _without(request, name, getattr(option, key))))
    for name, word in FLAG_WORDS.items():
        if cleaned.get(name):
            found.append(Chip(word, _without(request, name)))
    if (price := cleaned.get("max_price")) is not None:
        label = _("Up to $%(price)s a session") % {"price": f"{price:,.0f}"}
        found.append(Chip(label, _without(request, "max_price")))
    if words := cleaned.get("q"):
        found.append(Chip(_("Name: “%(words)s”") % {"words": words}, _without(request, "q")))
    if state := cleaned.get("state"):
        found.append(
            Chip(_("In %(state)s") % {"state": state_label(state)}, _without(request, "state"))
        )
    if state := cleaned.get("serves"):
        label = _("Remote care for %(state)s") % {"state": state_label(state)}
        found.append(Chip(label, _without(request, "serves")))
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
    routes = any_of(route.short_label for route in cleaned.get("route") or ())
    if routes:
        words = [
            ngettext("%(count)s %(routes)s location", "%(count)s %(routes)s locations", count)
            % {"count": f"{count:,}", "routes": routes}
        ]
    else:
        words = [
            ngettext("%(count)s location", "%(count)s locations", count) % {"count": f"{count:,}"}
        ]
    if payers := cleaned.get("insurance"):
        words.append(_("taking %(payers)s") % {"payers": any_of(p.label for p in payers)})
    if state := cleaned.get("serves"):
        words.append(_("with remote care for %(state)s") % {"state": state_label(state)})
    if state := cleaned.get("state"):
        words.append(_("in %(state)s") % {"state": state_label(state)})
    if search.place and not cleaned.get("serves"):
        words.append(
            _("within %(miles)s miles of %(place)s")
            % {"miles": f"{search.radius_miles:g}", "place": search.place.label}
        )
    elif search.place:
        words.append(_("(distances from %(place)s)") % {"place": search.place.label})
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
