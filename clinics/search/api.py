"""The JSON API (docs/api.md): the same search as /search/, and one clinic.

Read-only and public: only published listings, GET parameters in, JSON out. Errors answer
`{"errors": {"<parameter>": ["<message>"]}}`.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from clinics.models import Clinic, clinic_prefetches, latest_checks, verified_facts
from clinics.search.filters import LocationFilter
from clinics.search.paging import page_url


def iso(date):
    return date.isoformat() if date else None


def origin_json(place):
    if place is None:
        return None
    return {
        "query": place.query,
        "label": place.label,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def clinic_summary_json(clinic):
    return {
        "slug": clinic.slug,
        "name": clinic.name,
        "phone": clinic.phone_number.with_extension(),
        "website": clinic.website or None,
        "booking_url": clinic.booking_url or None,
        "verified_at": clinic.verified_at.isoformat() if clinic.verified_at else None,
    }


def address_json(location):
    return {
        "line1": location.address_line1,
        "line2": location.address_line2,
        "city": location.city,
        "state": location.state,
        "postal_code": location.postal_code,
        "country": location.country,
    }


def location_json(location):
    """One search result; expects clinics.models.with_summary() and attach_summaries()."""
    clinic = location.clinic
    summary = location.summary
    distance = getattr(location, "distance", None)
    return {
        "id": location.pk,
        "name": location.name or clinic.name,
        "url": location.get_absolute_url(),
        "clinic": clinic_summary_json(clinic),
        "address": address_json(location),
        "latitude": location.latitude,
        "longitude": location.longitude,
        "distance_miles": round(distance, 3) if distance is not None else None,
        "routes": [
            {
                "slug": offering.route.slug,
                "name": offering.route.name,
                "price_min_usd": offering.price_min_usd,
                "price_max_usd": offering.price_max_usd,
                "prices_as_of": iso(offering.prices_as_of),
                "insurance": [payer.slug for payer in summary.payers_for(offering.route)],
            }
            for offering in summary.offerings
        ],
        "conditions": [condition.slug for condition in summary.conditions],
        "insurance": list(
            dict.fromkeys(acceptance.payer.slug for acceptance in summary.payer_acceptances)
        ),
        "payment": [option.slug for option in summary.payment_options],
        "psychotherapy": clinic.offers_psychotherapy,
        "telehealth": clinic.offers_remote_care,
        "accepting": clinic.accepting_new_patients,
        "accepting_as_of": iso(clinic.accepting_as_of),
        "languages": [language.code for language in summary.languages],
    }


@require_GET
def location_list(request):
    search = LocationFilter(request.GET)
    if not search.is_valid():
        return JsonResponse({"errors": search.errors}, status=400)
    page = search.page()
    if page is None:
        return JsonResponse(
            {"errors": {"page": ["There are no results on this page; the results end earlier."]}},
            status=404,
        )
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "page_size": page.paginator.per_page,
            "next": page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "origin": origin_json(search.place),
            "results": [location_json(location) for location in page.object_list],
        }
    )


def verifications_json(clinic):
    """When each fact was last confirmed, by whom, and whether that is current (15.10)."""
    return [
        {
            "fact": check.fact,
            "confirmed_on": check.verification.confirmed_on.isoformat(),
            "source": check.verification.source,
            "current": check.current,
            "expires_on": check.verification.expires_on.isoformat(),
        }
        for check in latest_checks(clinic)
    ]


def clinic_json(clinic):
    return {
        **clinic_summary_json(clinic),
        "verified_facts": [
            check.fact for check in latest_checks(clinic) if check.label in verified_facts(clinic)
        ],
        "verifications": verifications_json(clinic),
        "url": clinic.get_absolute_url(),
        "description": clinic.description,
        "email": clinic.email or None,
        "npi": clinic.npi or None,
        "accepting": clinic.accepting_new_patients,
        "accepting_as_of": iso(clinic.accepting_as_of),
        "how_to_start": {
            "phone": clinic.starts_by_phone,
            "text": clinic.starts_by_text,
            "web_form": clinic.starts_by_web_form,
            "online_booking": clinic.starts_by_online_booking,
            "referral_required": clinic.referral_required,
            "psychiatric_evaluation_required": clinic.psychiatric_evaluation_required,
        },
        "psychotherapy": {
            "any": clinic.offers_psychotherapy,
            "kap_in_house": clinic.offers_kap,
            "works_with_own_therapist": clinic.works_with_own_therapist,
            "integration_sessions": clinic.offers_integration,
        },
        "telehealth": {
            "any": clinic.offers_remote_care,
            "consultations": clinic.offers_telehealth,
            "at_home": clinic.offers_at_home,
            "states": clinic.telehealth_state_list,
        },
        "safety": {
            "medical_screening": clinic.medical_screening,
            "vital_sign_monitoring": clinic.vital_sign_monitoring,
            "clinician_on_site": clinic.clinician_on_site,
            "observation_minutes": clinic.observation_minutes,
            "driver_required": clinic.driver_required,
            "rems_certified": clinic.rems_certified,
        },
        "memberships": [body.slug for body in clinic.memberships.all()],
        "clinicians": [
            {
                "name": clinician.name,
                "credential": clinician.credential,
                "specialty": clinician.specialty,
                "role": clinician.role,
                "npi": clinician.npi or None,
            }
            for clinician in clinic.clinicians.all()
        ],
        "locations": [
            {
                "id": location.pk,
                "name": location.name or clinic.name,
                "url": location.get_absolute_url(),
                "address": address_json(location),
                "latitude": location.latitude,
                "longitude": location.longitude,
                "phone": (location.phone_number or clinic.phone_number).with_extension(),
                "accessibility": location.accessibility,
                "offerings": [
                    {
                        "route": offering.route.slug,
                        "name": offering.route.name,
                        "price_min_usd": offering.price_min_usd,
                        "price_max_usd": offering.price_max_usd,
                        "series_price_usd": offering.series_price_usd,
                        "session_minutes": offering.session_minutes,
                        "prices_as_of": iso(offering.prices_as_of),
                    }
                    for offering in location.offerings.all()
                ],
                "insurance": [
                    {
                        "payer": acceptance.payer.slug,
                        "name": acceptance.payer.name,
                        "route": acceptance.route.slug if acceptance.route else None,
                    }
                    for acceptance in location.payer_acceptances.all()
                ],
                "conditions": [condition.slug for condition in location.conditions.all()],
                "payment": [option.slug for option in location.payment_options.all()],
                "languages": [language.code for language in location.languages.all()],
                "hours": [
                    {
                        "weekday": hours.weekday,
                        "day": hours.get_weekday_display(),
                        "opens": hours.opens.strftime("%H:%M"),
                        "closes": hours.closes.strftime("%H:%M"),
                    }
                    for hours in location.hours.all()
                ],
            }
            for location in clinic.locations.all()
        ],
    }


@require_GET
def clinic_detail(request, slug):
    clinic = (
        Clinic.objects.published().prefetch_related(*clinic_prefetches()).filter(slug=slug).first()
    )
    if clinic is None:
        return JsonResponse(
            {"errors": {"slug": ["No published clinic has this address."]}}, status=404
        )
    return JsonResponse(clinic_json(clinic))
