"""What a clinic's public page shows (its template is clinics/detail.html).

The public page and the staff's preview at /manage/ (issue 17) build it here, so the preview
is the page exactly as patients will see it.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from clinics.mail import absolute_url
from clinics.models import OpeningHours, latest_checks, verified_facts
from clinics.search import places
from clinics.search.results import insurance_by_route
from clinics.validators import US_STATES, state_label


def clinic_json_ld(clinic, locations):
    """schema.org MedicalClinic: each location a department with its address and position."""

    def place(location):
        data = {
            "@type": "MedicalClinic",
            "name": location.name or clinic.name,
            "telephone": (location.phone_number or clinic.phone_number).with_extension(),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": " ".join(
                    filter(None, [location.address_line1, location.address_line2])
                ),
                "addressLocality": location.city,
                "addressRegion": location.state,
                "postalCode": location.postal_code,
                "addressCountry": location.country,
            },
        }
        if hours := location.hours.all():
            data["openingHoursSpecification"] = [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{schema_day(period.weekday)}",
                    "opens": period.opens.strftime("%H:%M"),
                    "closes": period.closes.strftime("%H:%M"),
                }
                for period in hours
            ]
        if location.has_coordinates:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": location.latitude,
                "longitude": location.longitude,
            }
        return data

    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": absolute_url(clinic.get_absolute_url()),
        "telephone": clinic.phone_number.with_extension(),
        "medicalSpecialty": "Psychiatric",
        "availableService": [
            {"@type": "MedicalTherapy", "name": name}
            for name in dict.fromkeys(
                offering.route.label
                for location in locations
                for offering in location.offerings.all()
            )
        ],
    }
    if clinic.accepting_new_patients is not None:  # left out when not stated (issue 14.3)
        data["isAcceptingNewPatients"] = clinic.accepting_new_patients
    if clinic.description:
        data["description"] = clinic.description
    if clinic.website:
        data["sameAs"] = clinic.website
    if locations:
        data.update({key: value for key, value in place(locations[0]).items() if key != "@type"})
        data["name"] = clinic.name
    if len(locations) > 1:
        data["department"] = [place(location) for location in locations]
    return data


def schema_day(weekday):
    """schema.org's name of a day (DayOfWeek: "Monday"), the same in every language."""
    return OpeningHours.Weekday(weekday).name.title()


def clinic_breadcrumbs(clinic, locations):
    """Home › Providers by state › <state> › <city> › <clinic>: the place of its first location."""
    trail = [
        (_("Home"), reverse("clinics:home")),
        (_("Providers by state"), reverse("clinics:providers")),
    ]
    if locations:
        first = locations[0]
        slug = places.city_slug(first.city)
        trail.append(
            (
                state_label(first.state) if first.state in US_STATES else first.state,
                places.state_url(first.state),
            )
        )
        if slug:
            trail.append(
                (first.city, reverse("clinics:providers-city", args=[first.state.lower(), slug]))
            )
    return [*trail, (clinic.name, None)]


def clinic_page_context(clinic, *, verified_by=None):
    """The template context of a clinic page, for `clinic` fetched with clinic_prefetches().

    `verified_by` is the listing whose verifications the page shows (a working copy shows
    those of the published listing it edits); the clinic itself by default.
    """
    verified_by = verified_by or clinic
    locations = list(clinic.locations.all())
    for location in locations:
        location.insurance_by_route = insurance_by_route(location)
    context = {
        "clinic": clinic,
        "locations": locations,
        "breadcrumbs": clinic_breadcrumbs(clinic, locations),
        "checks": latest_checks(verified_by),
        "verified_facts": verified_facts(verified_by),
        "json_ld": clinic_json_ld(clinic, locations),
        "map_points": [
            {
                "lat": location.latitude,
                "lng": location.longitude,
                "name": location.name or clinic.name,
                "clinic": location.label,
                "url": f"#loc-{location.pk}",
            }
            for location in locations
            if location.has_coordinates
        ],
    }
    return context
