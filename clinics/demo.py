"""Deterministic demo data: plainly fictional clinics at real US ZIP centroids.

Every clinic is called "Demo ...", uses 555-01xx phone numbers (reserved for fiction) and
example.org addresses, and has no NPI, so no listing can be mistaken for a real provider.
The same seed always produces the same data; every state and DC gets at least one clinic.
"""

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from clinics import geo
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


def _phone(rng, area_code):
    return f"({area_code}) 555-01{rng.randrange(100):02d}"


@transaction.atomic
def generate(*, clinics=320, seed=2026, today=None):
    """Create `clinics` demo clinics (about 1.4 locations each). Returns (clinics, locations)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    routes = {route.slug: route for route in TreatmentRoute.objects.all()}
    conditions = {condition.slug: condition for condition in Condition.objects.all()}
    payers = list(Payer.objects.all())
    payment = {option.slug: option for option in PaymentOption.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    askp3 = ProfessionalBody.objects.filter(slug="askp3").first()

    states, by_state = _clinic_states(rng, clinics)
    used_zips = set()
    used_slugs = set(Clinic.objects.values_list("slug", flat=True))
    location_count = 0

    for number, state in enumerate(states, start=1):
        name = f"Demo {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        slug = slugify(f"{name} {state}")
        if slug in used_slugs:
            slug = f"{slug}-{number}"
        used_slugs.add(slug)
        offers_at_home = rng.random() < 0.15
        verified_days_ago = rng.choice([None, rng.randrange(5, 330), rng.randrange(5, 330), rng.randrange(380, 700)])  # fmt: skip
        clinic = Clinic.objects.create(
            name=name,
            slug=slug,
            description=(
                f"{name} is a fictional clinic in the demo data set. It shows how a listing "
                "looks: routes, prices, insurance, psychotherapy and safety practices."
            ),
            website=f"https://{slug}.example.org",
            email=f"hello@{slug}.example.org",
            booking_url=f"https://{slug}.example.org/book" if rng.random() < 0.5 else "",
            phone=_phone(rng, 200 + number % 700),
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
            status=(
                Clinic.Status.PENDING
                if number > len(STATES) and rng.random() < 0.05
                else Clinic.Status.PUBLISHED
            ),
            verified_at=(today - datetime.timedelta(days=verified_days_ago))
            if verified_days_ago
            else None,  # fmt: skip
        )
        if askp3 and rng.random() < 0.4:
            clinic.memberships.add(askp3)

        site_count = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        offers_esketamine = False
        candidates = [z for z in by_state[state] if z[0] not in used_zips]
        for site in range(site_count):
            zip_code, lat, lng, city = rng.choice(candidates)
            used_zips.add(zip_code)
            candidates = [z for z in candidates if z[0] != zip_code]
            location = Location.objects.create(
                clinic=clinic,
                name=f"{city} office" if site_count > 1 else "",
                address_line1=f"{rng.randrange(10, 9900)} {rng.choice(STREETS)}",
                address_line2=rng.choice(["", "", f"Suite {rng.randrange(100, 500)}"]),
                city=city.title(),
                state=state,
                postal_code=zip_code,
                latitude=lat,
                longitude=lng,
                phone=_phone(rng, 200 + (number + site) % 700),
                accessibility=rng.choice(
                    [
                        "Step-free entrance and an elevator.",
                        "Free parking next to the entrance.",
                        "Near public transport; ramp at the side entrance.",
                        "",
                    ]
                ),  # fmt: skip
            )
            location_count += 1
            offered = [slug for slug in ROUTE_CHANCE if rng.random() < ROUTE_CHANCE[slug]] or ["iv"]
            if offers_at_home and "lozenge" not in offered:
                offered.append("lozenge")
            for route_slug in offered:
                (low, high), (spread_low, spread_high) = PRICE_RANGES[route_slug]
                price_min = rng.randrange(low, high + 1, 5) if high > low else low
                price_max = price_min + rng.randrange(spread_low, spread_high + 1, 5)
                Offering.objects.create(
                    location=location,
                    route=routes[route_slug],
                    price_min_usd=price_min,
                    price_max_usd=price_max,
                    series_price_usd=(price_min + price_max) // 2 * SERIES[route_slug],
                    session_minutes=SESSION_MINUTES[route_slug],
                )
            if "esketamine" in offered:
                offers_esketamine = True
                for payer in rng.sample(payers, rng.randrange(2, 7)):
                    PayerAcceptance.objects.create(
                        location=location, payer=payer, route=routes["esketamine"]
                    )
            if rng.random() < 0.1:
                PayerAcceptance.objects.get_or_create(
                    location=location, payer=rng.choice(payers), route=None
                )
            treated = ["treatment-resistant-depression", "depression"]
            treated += rng.sample(sorted(set(conditions) - set(treated)), rng.randrange(1, 6))
            location.conditions.set([conditions[slug] for slug in treated])
            ways_to_pay = ["self-pay"] if rng.random() < 0.92 else []
            ways_to_pay += [slug for slug, chance in [("superbill", 0.5), ("financing", 0.3), ("sliding-scale", 0.1)] if rng.random() < chance]  # fmt: skip
            location.payment_options.set([payment[slug] for slug in ways_to_pay or ["self-pay"]])
            spoken = ["en"]
            if rng.random() < 0.3:
                spoken.append("es")
            if rng.random() < 0.08:
                spoken.append(rng.choice(["zh", "vi", "ko", "ru", "ar", "fr", "ht", "tl"]))
            location.languages.set([languages[code] for code in spoken])
            weekdays = range(1, 6) if rng.random() < 0.7 else range(1, 7)
            OpeningHours.objects.bulk_create(
                [
                    OpeningHours(
                        location=location,
                        weekday=day,
                        opens=datetime.time(9 if day < 6 else 10),
                        closes=datetime.time(17 if day < 6 else 14),
                    )  # fmt: skip
                    for day in weekdays
                ]
            )
        if offers_esketamine:
            clinic.rems_certified = True
            clinic.observation_minutes = 120
            clinic.save(update_fields=["rems_certified", "observation_minutes"])
        for credential, specialty, role in rng.sample(CLINICIAN_ROLES, rng.randrange(1, 4)):
            Clinician.objects.create(
                clinic=clinic,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                credential=credential,
                specialty=specialty,
                role=role,
            )
    return len(states), location_count
