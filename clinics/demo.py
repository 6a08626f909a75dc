"""Deterministic demo data: plainly fictional clinics at real US ZIP centroids.

Every clinic is called "Demo ...", uses 555-01xx phone numbers (reserved for fiction) with a
real area code of its state and example.org addresses, and has no NPI, so no listing can be
mistaken for a real provider, and the data passes the import's checks (`export_clinics`
then `import_clinics` of the demo database gives no error). The same seed always produces
the same data; every state and DC gets at least one clinic.

The clinics are planned in memory, then written in bulk with a history record for every
row (clinics.bulk), as the import writes: a demo listing reads in its history like any
other, and reverting it to its first version keeps everything it had.
"""

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from clinics import caching, geo
from clinics.bulk import draft, insert_links, insert_objects, record_history
from clinics.models import (
    Clinic,
    Clinician,
    Condition,
    Language,
    Location,
    Offering,
    OpeningHours,
    Payer,
    PayerAcceptance,
    PaymentOption,
    ProfessionalBody,
    TreatmentRoute,
    refresh_masks,
)
from clinics.validators import US_STATES

STATES = sorted(set(US_STATES) - {"PR", "GU", "VI", "AS", "MP"})  # the 50 states and DC

ADJECTIVES = [
    "Harbor", "Summit", "Cedar", "Meadow", "Riverstone", "Clearwater", "Northlight", "Willow",
    "Bluebird", "Lantern", "Evergreen", "Sunrise", "Stillwater", "Juniper", "Aspen", "Beacon",
    "Granite", "Prairie", "Tidewater", "Canyon", "Maple", "Horizon", "Quiet Oak", "Silverline",
]  # fmt: skip
NOUNS = [
    "Ketamine Clinic", "Infusion Center", "Wellness", "Mental Health", "Ketamine Therapy",
    "Psychiatry", "Integrative Care", "Healing Center", "Mind Clinic", "Infusions",
]  # fmt: skip
STREETS = ["Main St", "Oak Ave", "Park Blvd", "Elm St", "Lake Dr", "Hill Rd", "Center St",
           "Market St", "River Rd", "Pine Ave", "Washington Ave", "Cedar Ln"]  # fmt: skip
FIRST_NAMES = ["Alex", "Jordan", "Morgan", "Taylor", "Casey", "Riley", "Avery", "Quinn",
               "Jamie", "Dana", "Robin", "Sam", "Kai", "Rowan", "Elliot", "Harper"]  # fmt: skip
LAST_NAMES = ["Example", "Sample", "Placeholder", "Testwood", "Demoson", "Fictive",
              "Mockridge", "Pretendo", "Specimen", "Modelton"]  # fmt: skip
CLINICIAN_ROLES = [
    (Clinician.Credential.MD, "psychiatry", "Medical director"),
    (Clinician.Credential.DO, "anesthesiology", "Medical director"),
    (Clinician.Credential.CRNA, "anesthesia", "Nurse anesthetist"),
    (Clinician.Credential.PMHNP, "psychiatry", "Psychiatric nurse practitioner"),
    (Clinician.Credential.LCSW, "psychotherapy", "Integration therapist"),
    (Clinician.Credential.PHD, "psychology", "Ketamine-assisted psychotherapist"),
]
PRICE_RANGES = {  # lowest price: (from, to), then the spread of the range
    "iv": ((350, 750), (0, 300)),
    "im": ((200, 450), (0, 150)),
    "lozenge": ((80, 250), (0, 100)),
    "esketamine": ((0, 150), (400, 900)),
}
ROUTE_CHANCE = {"iv": 0.75, "im": 0.3, "lozenge": 0.25, "esketamine": 0.35}
SERIES = {"iv": 6, "im": 5, "lozenge": 8, "esketamine": 8}
SESSION_MINUTES = {"iv": 50, "im": 45, "lozenge": 60, "esketamine": 135}


def _zips_by_state():
    by_state = defaultdict(list)
    for zip_code, (lat, lng, city, state) in sorted(geo.zip_index().items()):
        if state in STATES:
            by_state[state].append((zip_code, lat, lng, city))
    return by_state


def _clinic_states(rng, count):
    """One clinic in each state and DC first, the rest spread by each state's number of ZIPs."""
    by_state = _zips_by_state()
    weights = [len(by_state[state]) for state in STATES]
    states = STATES + rng.choices(STATES, weights=weights, k=max(0, count - len(STATES)))
    return states[:count], by_state


# Real area codes of each state (up to three of its best known), for 555-01xx numbers: the
# import checks that an area code exists, and these pass it (tests/test_demo.py).
AREA_CODES = {
    "AK": [907], "AL": [205, 251, 334], "AR": [501, 479, 870], "AZ": [602, 480, 520],
    "CA": [213, 415, 916], "CO": [303, 719, 970], "CT": [203, 860], "DC": [202],
    "DE": [302], "FL": [305, 407, 813], "GA": [404, 706, 912], "HI": [808],
    "IA": [515, 319, 563], "ID": [208], "IL": [312, 217, 618], "IN": [317, 219, 812],
    "KS": [316, 785, 913], "KY": [502, 606, 859], "LA": [504, 225, 318],
    "MA": [617, 413, 508], "MD": [410, 301, 443], "ME": [207], "MI": [313, 616, 517],
    "MN": [612, 218, 507], "MO": [314, 816, 417], "MS": [601, 662, 228], "MT": [406],
    "NC": [919, 704, 828], "ND": [701], "NE": [402, 308], "NH": [603],
    "NJ": [201, 609, 732], "NM": [505, 575], "NV": [702, 775], "NY": [212, 518, 716],
    "OH": [614, 216, 513], "OK": [405, 918, 580], "OR": [503, 541, 971],
    "PA": [215, 412, 717], "RI": [401], "SC": [803, 843, 864], "SD": [605],
    "TN": [615, 901, 865], "TX": [512, 214, 713], "UT": [801, 435], "VA": [804, 703, 757],
    "VT": [802], "WA": [206, 509, 360], "WI": [414, 608, 715], "WV": [304], "WY": [307],
}  # fmt: skip


def _phone(rng, state, index):
    """A number in the range kept for fiction (555-0100 to 555-0199) with a real area code."""
    codes = AREA_CODES[state]
    return f"({codes[index % len(codes)]}) 555-01{rng.randrange(100):02d}"


@dataclass
class DemoPlan:
    """The demo rows to write, as Drafts: children point at their parent Draft (`parent`)."""

    clinics: list = field(default_factory=list)
    memberships: list = field(default_factory=list)  # (clinic, professional body id)
    locations: list = field(default_factory=list)
    links: dict = field(default_factory=lambda: defaultdict(list))  # m2m name: (location, id)
    offerings: list = field(default_factory=list)
    acceptances: list = field(default_factory=list)
    hours: list = field(default_factory=list)
    clinicians: list = field(default_factory=list)


@dataclass
class Reference:
    """The reference rows the demo data names, read once."""

    routes: dict
    conditions: dict
    payers: list
    payment: dict
    languages: dict
    askp3: object

    @classmethod
    def load(cls):
        return cls(
            routes={route.slug: route.pk for route in TreatmentRoute.objects.all()},
            conditions={condition.slug: condition.pk for condition in Condition.objects.all()},
            payers=list(Payer.objects.values_list("pk", flat=True)),
            payment={option.slug: option.pk for option in PaymentOption.objects.all()},
            languages={language.code: language.pk for language in Language.objects.all()},
            askp3=ProfessionalBody.objects.filter(slug="askp3").values_list("pk").first(),
        )


def _child(model, parent, **values):
    row = draft(model, **values)
    row.parent = parent
    return row


def _plan_clinic(rng, number, state, slug, name, today, now):
    offers_at_home = rng.random() < 0.15
    verified_days_ago = rng.choice([None, rng.randrange(5, 330), rng.randrange(5, 330), rng.randrange(380, 700)])  # fmt: skip
    return draft(
        Clinic,
        name=name,
        slug=slug,
        description=(
            f"{name} is a fictional clinic in the demo data set. It shows how a listing "
            "looks: routes, prices, insurance, psychotherapy and safety practices."
        ),
        website=f"https://{slug}.example.org",
        email=f"hello@{slug}.example.org",
        booking_url=f"https://{slug}.example.org/book" if rng.random() < 0.5 else "",
        phone=_phone(rng, state, number),
        starts_by_phone=True,
        starts_by_text=rng.random() < 0.3,
        starts_by_web_form=rng.random() < 0.6,
        starts_by_online_booking=rng.random() < 0.4,
        referral_required=rng.random() < 0.15,
        psychiatric_evaluation_required=rng.random() < 0.35,
        accepting_new_patients=rng.random() < 0.85,
        offers_kap=rng.random() < 0.4,
        works_with_own_therapist=rng.random() < 0.6,
        offers_integration=rng.random() < 0.45,
        offers_telehealth=rng.random() < 0.45,
        offers_at_home=offers_at_home,
        telehealth_states=state if offers_at_home or rng.random() < 0.3 else "",
        medical_screening=rng.random() < 0.95,
        vital_sign_monitoring=rng.random() < 0.9,
        clinician_on_site=rng.random() < 0.9,
        observation_minutes=rng.choice([30, 45, 60, 90]),
        driver_required=rng.random() < 0.95,
        rems_certified=False,
        status=(
            Clinic.Status.PENDING
            if number > len(STATES) and rng.random() < 0.05
            else Clinic.Status.PUBLISHED
        ),
        verified_at=(today - datetime.timedelta(days=verified_days_ago))
        if verified_days_ago
        else None,  # fmt: skip
        created_at=now,
        updated_at=now,
    )


def _plan_offerings(rng, plan, location, offered, reference):
    for route_slug in offered:
        (low, high), (spread_low, spread_high) = PRICE_RANGES[route_slug]
        price_min = rng.randrange(low, high + 1, 5) if high > low else low
        price_max = price_min + rng.randrange(spread_low, spread_high + 1, 5)
        plan.offerings.append(
            _child(
                Offering,
                location,
                route_id=reference.routes[route_slug],
                price_min_usd=price_min,
                price_max_usd=price_max,
                series_price_usd=(price_min + price_max) // 2 * SERIES[route_slug],
                session_minutes=SESSION_MINUTES[route_slug],
            )
        )
    if "esketamine" in offered:
        route = reference.routes["esketamine"]
        for payer in rng.sample(reference.payers, rng.randrange(2, 7)):
            plan.acceptances.append(
                _child(PayerAcceptance, location, payer_id=payer, route_id=route)
            )
    if rng.random() < 0.1:  # a payer for every route
        plan.acceptances.append(
            _child(PayerAcceptance, location, payer_id=rng.choice(reference.payers), route_id=None)
        )


def _plan_location(rng, plan, clinic, place, *, state, index, site_count, reference, now):
    """One site of `clinic` at `place` (ZIP, latitude, longitude, city), with what it offers."""
    zip_code, lat, lng, city = place
    location = _child(
        Location,
        clinic,
        name=f"{city} office" if site_count > 1 else "",
        address_line1=f"{rng.randrange(10, 9900)} {rng.choice(STREETS)}",
        address_line2=rng.choice(["", "", f"Suite {rng.randrange(100, 500)}"]),
        city=city.title(),
        state=state,
        postal_code=zip_code,
        latitude=lat,
        longitude=lng,
        coordinates_source=Location.CoordinatesSource.SUPPLIED,
        phone=_phone(rng, state, index),
        accessibility=rng.choice(
            [
                "Step-free entrance and an elevator.",
                "Free parking next to the entrance.",
                "Near public transport; ramp at the side entrance.",
                "",
            ]
        ),  # fmt: skip
        created_at=now,
        updated_at=now,
    )
    plan.locations.append(location)
    offered = [slug for slug in ROUTE_CHANCE if rng.random() < ROUTE_CHANCE[slug]] or ["iv"]
    if clinic.offers_at_home and "lozenge" not in offered:
        offered.append("lozenge")
    _plan_offerings(rng, plan, location, offered, reference)
    treated = ["treatment-resistant-depression", "depression"]
    treated += rng.sample(sorted(set(reference.conditions) - set(treated)), rng.randrange(1, 6))
    ways_to_pay = ["self-pay"] if rng.random() < 0.92 else []
    ways_to_pay += [slug for slug, chance in [("superbill", 0.5), ("financing", 0.3), ("sliding-scale", 0.1)] if rng.random() < chance]  # fmt: skip
    spoken = ["en"]
    if rng.random() < 0.3:
        spoken.append("es")
    if rng.random() < 0.08:
        spoken.append(rng.choice(["zh", "vi", "ko", "ru", "ar", "fr", "ht", "tl"]))
    for name, ids in (
        ("conditions", [reference.conditions[slug] for slug in treated]),
        ("payment_options", [reference.payment[slug] for slug in ways_to_pay or ["self-pay"]]),
        ("languages", [reference.languages[code] for code in spoken]),
    ):
        plan.links[name] += [(location, pk) for pk in dict.fromkeys(ids)]
    weekdays = range(1, 6) if rng.random() < 0.7 else range(1, 7)
    plan.hours += [
        _child(
            OpeningHours,
            location,
            weekday=day,
            opens=datetime.time(9 if day < 6 else 10),
            closes=datetime.time(17 if day < 6 else 14),
        )
        for day in weekdays
    ]
    return "esketamine" in offered


def _leave_some_unstated(clinic, rng):
    """About one clinic in eight leaves a few facts unstated, as real listings do (14.3).

    A generator of its own, so the rest of the demo data is what the seed always gave.
    """
    if rng.random() < 0.125:
        for name in rng.sample(Clinic.STATED_FACTS, rng.randrange(1, 4)):
            setattr(clinic, name, None)


def _date_facts(clinic, offerings, rng, today):
    """When accepting and the prices were last set or confirmed (14.4): at the listing's
    verification, or some weeks to months ago for a listing never verified."""
    as_of = clinic.verified_at or today - datetime.timedelta(days=rng.randrange(10, 500))
    clinic.accepting_as_of = as_of if clinic.accepting_new_patients is not None else None
    for offering in offerings:
        offering.prices_as_of = as_of


def plan_demo(*, clinics, seed, today, now):
    """The demo rows for `clinics` clinics, planned in memory from `seed` (nothing written)."""
    rng = random.Random(seed)
    reference = Reference.load()
    plan = DemoPlan()
    states, by_state = _clinic_states(rng, clinics)
    used_zips = set()
    used_slugs = set(Clinic.objects.values_list("slug", flat=True))
    for number, state in enumerate(states, start=1):
        name = f"Demo {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        slug = slugify(f"{name} {state}")
        if slug in used_slugs:
            slug = f"{slug}-{number}"
        used_slugs.add(slug)
        clinic = _plan_clinic(rng, number, state, slug, name, today, now)
        plan.clinics.append(clinic)
        if reference.askp3 and rng.random() < 0.4:
            plan.memberships.append((clinic, reference.askp3[0]))

        site_count = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        first_offering = len(plan.offerings)
        offers_esketamine = False
        candidates = [z for z in by_state[state] if z[0] not in used_zips]
        for site in range(site_count):
            place = rng.choice(candidates)
            used_zips.add(place[0])
            candidates = [z for z in candidates if z[0] != place[0]]
            offers_esketamine |= _plan_location(
                rng, plan, clinic, place, state=state, index=number + site,
                site_count=site_count, reference=reference, now=now,
            )  # fmt: skip
        if offers_esketamine:
            clinic.rems_certified = True
            clinic.observation_minutes = 120
        facts_rng = random.Random(f"{seed}:unstated:{number}")
        _leave_some_unstated(clinic, facts_rng)
        _date_facts(clinic, plan.offerings[first_offering:], facts_rng, today)
        for credential, specialty, role in rng.sample(CLINICIAN_ROLES, rng.randrange(1, 4)):
            plan.clinicians.append(
                _child(
                    Clinician,
                    clinic,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    credential=credential,
                    specialty=specialty,
                    role=role,
                )
            )
    return plan


def _with_parents(rows, attname):
    for row in rows:
        setattr(row, attname, row.parent.pk)
    return rows


def write_demo(plan, *, reason, date, progress=None):
    """Write the planned rows in bulk, each with its history record ("+", `reason`, `date`)."""
    started = time.monotonic()

    def create(model, rows, key, label, links=()):
        insert_objects(model, rows, key=key)
        for m2m, pairs in links:
            insert_links(m2m, [(row.pk, other) for row, other in pairs])
        # After the many-to-many rows, so each record's snapshot shows them.
        record_history(model, rows, "+", reason=reason, date=date)
        if progress:
            progress(f"  {len(rows)} {label} ({time.monotonic() - started:.1f} s)")

    memberships = [(Clinic.memberships, plan.memberships)]
    create(Clinic, plan.clinics, ("slug",), "clinics", memberships)
    links = [(getattr(Location, name), pairs) for name, pairs in plan.links.items()]
    locations = _with_parents(plan.locations, "clinic_id")
    create(Location, locations, ("clinic_id", "postal_code"), "locations", links)
    offerings = _with_parents(plan.offerings, "location_id")
    create(Offering, offerings, ("location_id", "route_id"), "routes offered")
    acceptances = _with_parents(plan.acceptances, "location_id")
    key = ("location_id", "payer_id", "route_id")
    create(PayerAcceptance, acceptances, key, "insurance plans accepted")
    hours = _with_parents(plan.hours, "location_id")
    create(OpeningHours, hours, ("location_id", "weekday"), "opening hours")
    clinicians = _with_parents(plan.clinicians, "clinic_id")
    create(Clinician, clinicians, ("clinic_id", "credential"), "clinicians")
    # Bulk writes send no signals: the route and insurance filters' bits, and the cached
    # facet counts, follow here.
    refresh_masks([location.pk for location in plan.locations])
    transaction.on_commit(caching.listings_changed)


@transaction.atomic
def generate(*, clinics=320, seed=2026, today=None, progress=None):
    """Create `clinics` demo clinics (about 1.4 locations each). Returns (clinics, locations).

    `progress`, when given, is called with a line of text after each step.
    """
    now = timezone.now()
    today = today or timezone.localdate()
    plan = plan_demo(clinics=clinics, seed=seed, today=today, now=now)
    if progress:
        progress(
            f"Planned {len(plan.clinics)} demo clinics with {len(plan.locations)} locations "
            f"(seed {seed}); writing them with their history..."
        )
    write_demo(plan, reason=f"Demo data (seed {seed})", date=now, progress=progress)
    return len(plan.clinics), len(plan.locations)
