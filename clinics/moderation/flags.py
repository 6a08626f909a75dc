"""What looks wrong in a listing, for the moderator reviewing it (issue 15.7).

The checks are the import's (clinics.importing cell checks), so a listing sent through the
admin or /list-your-clinic/ meets the same rules as a file: a phone number that does not
exist, a ZIP code in another state than the one given, a site far from its ZIP code; and a
listing with no treatment route, which patients could never find by route (and approval
refuses, workflow.check_has_route). Facts the clinic did not state (Clinic.STATED_FACTS)
are flagged, so the moderator can ask before publishing (issue 14.3).
"""

from django.utils.translation import gettext as _

from clinics.importing import (
    ValueProblem,
    check_site_near_zip,
    check_zip_in_state,
    parse_phone,
)
from clinics.models import Location, Offering


def _problem(check, *args):
    try:
        check(*args)
    except ValueProblem as problem:
        return str(problem)
    return ""


def _location_flags(loc):
    where = f"{loc.address_line1}, {loc.city}"
    flags = []
    if loc.phone and (problem := _problem(parse_phone, loc.phone)):
        flags.append(_("%(where)s: phone: %(problem)s") % {"where": where, "problem": problem})
    if not loc.postal_code:
        return flags
    try:
        entry = check_zip_in_state(loc.postal_code, loc.state)
    except ValueProblem as problem:
        return [*flags, f"{where}: {problem}"]
    if loc.has_coordinates:
        args = (loc.latitude, loc.longitude, entry, loc.postal_code)
        if problem := _problem(check_site_near_zip, *args):
            flags.append(
                _("%(where)s: the site is far from its ZIP code: %(problem)s")
                % {"where": where, "problem": problem}
            )
    return flags


def listing_flags(clinic):
    """Sentences about what looks wrong in `clinic` (a listing or a working copy)."""
    flags = []
    if clinic.phone and (problem := _problem(parse_phone, clinic.phone)):
        flags.append(_("Clinic phone: %(problem)s") % {"problem": problem})
    locations = list(Location.objects.filter(clinic=clinic).order_by("pk"))
    for loc in locations:
        flags += _location_flags(loc)
    if not locations:
        flags.append(_("No location: patients cannot find the listing in a search."))
    elif not Offering.objects.filter(location__clinic=clinic).exists():
        flags.append(_("No treatment route: no location offers IV, IM, lozenges or esketamine."))
    if facts := clinic.unstated_facts():
        flags.append(_("Not stated by the clinic: %(facts)s.") % {"facts": ", ".join(facts)})
    return flags
