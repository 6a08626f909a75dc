"""The published directory as FHIR R4 resources, after Da Vinci PDex Plan-Net (issue 8).

Plan-Net is the US provider-directory profile set; its must-support elements shape these
resources (docs/opendata.md):
- Organization: active, identifier (NPI), name, type, telecom, address;
- Location: status, name, address, position, telecom, hoursOfOperation,
  managingOrganization, the newpatients and accessibility extensions;
- HealthcareService (one per route a clinic offers, as in HSDS): active, category `behav`,
  type, specialty (NUCC), providedBy, location, telecom, availableTime, delivery method;
- PractitionerRole (one per clinician) and Practitioner: NPI, name, qualification, specialty.

Ids are readable and stable: `clinic-12`, `location-40`, `service-12-iv`, `clinician-7`.
Only published listings reach these functions. FHIR forbids empty strings and empty lists,
so unknown values are left out.
"""

import re

from clinics.models import latest_checks
from clinics.opendata.listings import (
    NPI_SYSTEM,
    clinic_last_modified,
    payers_for,
    price_text,
    services_of,
)

PLAN_NET = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PROFILE = f"{PLAN_NET}/StructureDefinition/plannet-"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
DAYS = {1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun"}
MENTAL_HEALTH_CLINIC = ("261QM0801X", "Clinic/Center, Mental Health")
RESOURCE_TYPES = ("Organization", "Location", "HealthcareService", "PractitionerRole")


def compact(obj):
    """Drop keys whose value is None, "" or []: FHIR does not allow empty values."""
    return {key: value for key, value in obj.items() if value not in (None, "", [])}


def instant(value):
    return value.isoformat()


def meta(profile, last_updated):
    return {"lastUpdated": instant(last_updated), "profile": [PROFILE + profile]}


def reference(resource_type, resource_id, display=None):
    return compact({"reference": f"{resource_type}/{resource_id}", "display": display})


def organization_id(clinic):
    return f"clinic-{clinic.pk}"


def location_id(location):
    return f"location-{location.pk}"


def service_id(clinic, route):
    return f"service-{clinic.pk}-{route.slug}"


def practitioner_role_id(clinician):
    return f"clinician-{clinician.pk}"


def coding(system, code, display=None):
    return {"coding": [compact({"system": system, "code": code, "display": display})]}


def nucc(code, display):
    return coding(NUCC_SYSTEM, code, display)


# FHIR's registered extension for the extension of a phone number (a ContactPoint).
CONTACTPOINT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/contactpoint-extension"


def telecom(*, phone=None, email=None, url=None):
    """ContactPoints; `phone` is a clinics.phones.PhoneNumber (its extension in the value, as
    people read it, and in the registered contactpoint-extension, as software reads it)."""
    points = []
    if phone:
        point = {"system": "phone", "value": phone.with_extension(), "use": "work"}
        if phone.extension:
            point["extension"] = [{"url": CONTACTPOINT_EXTENSION, "valueString": phone.extension}]
        points.append(point)
    if email:
        points.append({"system": "email", "value": email, "use": "work"})
    if url:
        points.append({"system": "url", "value": url, "use": "work"})
    return points


def address(location):
    return compact(
        {
            "use": "work",
            "type": "physical",
            "line": [line for line in (location.address_line1, location.address_line2) if line],
            "city": location.city,
            "state": location.state,
            "postalCode": location.postal_code,
            "country": location.country or "US",
        }
    )


# NUCC provider taxonomy codes for the clinicians' credentials and specialties.
NUCC_BY_CREDENTIAL = {
    "CRNA": ("367500000X", "Certified Registered Nurse Anesthetist"),
    "PMHNP": ("363LP0808X", "Nurse Practitioner, Psychiatric/Mental Health"),
    "NP": ("363L00000X", "Nurse Practitioner"),
    "PA": ("363A00000X", "Physician Assistant"),
    "RN": ("163W00000X", "Registered Nurse"),
    "PhD": ("103T00000X", "Psychologist"),
    "PsyD": ("103T00000X", "Psychologist"),
    "LCSW": ("1041C0700X", "Social Worker, Clinical"),
    "LPC": ("101YP2500X", "Counselor, Professional"),
    "LMFT": ("106H00000X", "Marriage & Family Therapist"),
}
NUCC_PHYSICIAN = [
    (
        re.compile(r"addiction", re.I),
        ("2084P0802X", "Psychiatry & Neurology, Addiction Psychiatry"),
    ),
    (re.compile(r"psychiatr", re.I), ("2084P0800X", "Psychiatry & Neurology, Psychiatry")),
    (re.compile(r"pain", re.I), ("207LP2900X", "Anesthesiology, Pain Medicine")),
    (re.compile(r"an(a)?esthe", re.I), ("207L00000X", "Anesthesiology")),
]


def clinician_specialty(clinician):
    """The NUCC code that fits the clinician's credential and specialty, or None."""
    if clinician.credential in NUCC_BY_CREDENTIAL:
        return NUCC_BY_CREDENTIAL[clinician.credential]
    if clinician.credential in ("MD", "DO"):
        for pattern, code in NUCC_PHYSICIAN:
            if pattern.search(clinician.specialty):
                return code
    return None


# Resources -------------------------------------------------------------------------------


# When each fact of a listing was last confirmed, by whom, and whether it still holds
# (issue 15.10): the directory's own extension, one per fact.
VERIFICATION_EXTENSION = "urn:ketamine-directory:fhir:StructureDefinition:fact-verification"


def verification_extensions(clinic):
    return [
        {
            "url": VERIFICATION_EXTENSION,
            "extension": [
                {"url": "fact", "valueCode": check.fact},
                {"url": "confirmedOn", "valueDate": check.verification.confirmed_on.isoformat()},
                {"url": "source", "valueString": check.verification.source},
                {"url": "current", "valueBoolean": check.current},
            ],
        }
        for check in latest_checks(clinic)
    ]


def organization_resource(clinic):
    """A Plan-Net Organization; expects the clinic's locations and verifications prefetched."""
    return compact(
        {
            "resourceType": "Organization",
            "id": organization_id(clinic),
            "meta": meta("Organization", clinic_last_modified(clinic)),
            "extension": verification_extensions(clinic),
            "active": True,
            "identifier": [
                {
                    "use": "official",
                    "type": coding(
                        "http://terminology.hl7.org/CodeSystem/v2-0203",
                        "NPI",
                        "National provider identifier",
                    ),
                    "system": NPI_SYSTEM,
                    "value": clinic.npi,
                }
            ]
            if clinic.npi
            else [],
            "type": [coding(f"{PLAN_NET}/CodeSystem/OrgTypeCS", "prvgrp", "Provider Group")],
            "name": clinic.name,
            "telecom": telecom(
                phone=clinic.phone_number, email=clinic.email, url=clinic.website or None
            ),
            "address": [address(location) for location in clinic.locations.all()],
        }
    )


def hours_of_operation(hours_list):
    return [
        {
            "daysOfWeek": [DAYS[hours.weekday]],
            "openingTime": hours.opens.strftime("%H:%M:%S"),
            "closingTime": hours.closes.strftime("%H:%M:%S"),
        }
        for hours in hours_list
    ]


def location_resource(location):
    """A Plan-Net Location; expects the location's hours prefetched and its clinic joined."""
    clinic = location.clinic
    extensions = []
    # AcceptingPatientsCS has no "unknown": a clinic that did not say is left without the
    # newpatients extension (issue 14.3), which Plan-Net allows (0..*).
    if clinic.accepting_new_patients is not None:
        accepting = "newpt" if clinic.accepting_new_patients else "nopt"
        extensions.append(
            {
                "url": f"{PLAN_NET}/StructureDefinition/newpatients",
                "extension": [
                    {
                        "url": "acceptingPatients",
                        "valueCodeableConcept": coding(
                            f"{PLAN_NET}/CodeSystem/AcceptingPatientsCS", accepting
                        ),
                    }
                ],
            }
        )
    if location.accessibility:
        extensions.append(
            {
                "url": f"{PLAN_NET}/StructureDefinition/accessibility",
                "valueCodeableConcept": {"text": location.accessibility},
            }
        )
    position = None
    if location.has_coordinates:
        position = {"latitude": location.latitude, "longitude": location.longitude}
    return compact(
        {
            "resourceType": "Location",
            "id": location_id(location),
            "meta": meta("Location", max(location.updated_at, clinic.updated_at)),
            "extension": extensions,
            "status": "active",
            "name": location.name or clinic.name,
            "telecom": telecom(phone=location.phone_number or clinic.phone_number),
            "address": address(location),
            "position": position,
            "managingOrganization": reference("Organization", organization_id(clinic), clinic.name),
            "hoursOfOperation": hours_of_operation(location.hours.all()),
        }
    )


def healthcare_service_resource(clinic, route, sites):
    """A Plan-Net HealthcareService: one route as the clinic offers it at `sites`."""
    specialties = {MENTAL_HEALTH_CLINIC}
    specialties.update(
        code for code in map(clinician_specialty, clinic.clinicians.all()) if code is not None
    )
    hours = {}
    for location, _offering in sites:
        for entry in location.hours.all():
            hours.setdefault((entry.weekday, entry.opens, entry.closes), entry)
    payers = {}
    for location, _offering in sites:
        for acceptance in payers_for(location, route):
            payers.setdefault(acceptance.payer.slug, acceptance.payer.name)
    details = [
        f"{price_text(offering)} at {location.name or clinic.name} ({location.label})"
        for location, offering in sites
    ]
    if payers:
        details.append("In network with: " + ", ".join(payers.values()))
    return compact(
        {
            "resourceType": "HealthcareService",
            "id": service_id(clinic, route),
            "meta": meta("HealthcareService", clinic_last_modified(clinic)),
            "extension": [
                {
                    "url": f"{PLAN_NET}/StructureDefinition/delivery-method",
                    "extension": [
                        {
                            "url": "type",
                            "valueCodeableConcept": coding(
                                f"{PLAN_NET}/CodeSystem/DeliveryMethodCS", "physical", "Physical"
                            ),
                        }
                    ],
                }
            ],
            "active": True,
            "providedBy": reference("Organization", organization_id(clinic), clinic.name),
            "category": [
                coding(
                    f"{PLAN_NET}/CodeSystem/HealthcareServiceCategoryCS",
                    "behav",
                    "Behavioral Health",
                )
            ],
            "type": [{"text": f"Ketamine treatment: {route.name}"}],
            "specialty": [nucc(code, display) for code, display in sorted(specialties)],
            "location": [
                reference("Location", location_id(location), location.name or clinic.name)
                for location, _offering in sites
            ],
            "name": f"{route.name} at {clinic.name}",
            "comment": route.description,
            "extraDetails": "; ".join(details),
            "telecom": telecom(phone=clinic.phone_number, url=clinic.booking_url or clinic.website),
            "referralMethod": [{"text": "Referral required"}] if clinic.referral_required else [],
            "appointmentRequired": True,
            "availableTime": [
                {
                    "daysOfWeek": [DAYS[weekday]],
                    "availableStartTime": opens.strftime("%H:%M:%S"),
                    "availableEndTime": closes.strftime("%H:%M:%S"),
                }
                for (weekday, opens, closes) in sorted(hours)
            ],
        }
    )


def practitioner_role_resource(clinician):
    """A Plan-Net PractitionerRole; expects the clinic with its locations and offerings."""
    clinic = clinician.clinic
    practitioner = compact(
        {
            "reference": f"Practitioner/practitioner-{clinician.pk}",
            "display": f"{clinician.name}, {clinician.credential}",
            "identifier": {"system": NPI_SYSTEM, "value": clinician.npi} if clinician.npi else None,
        }
    )
    specialty = clinician_specialty(clinician)
    return compact(
        {
            "resourceType": "PractitionerRole",
            "id": practitioner_role_id(clinician),
            "meta": meta("PractitionerRole", clinic_last_modified(clinic)),
            "active": True,
            "practitioner": practitioner,
            "organization": reference("Organization", organization_id(clinic), clinic.name),
            "code": [{"text": clinician.role}] if clinician.role else [],
            "specialty": [nucc(*specialty)] if specialty else [],
            "location": [
                reference("Location", location_id(location), location.name or clinic.name)
                for location in clinic.locations.all()
            ],
            "healthcareService": [
                reference("HealthcareService", service_id(clinic, route), route.name)
                for route, _sites in services_of(clinic)
            ],
            "telecom": telecom(phone=clinic.phone_number),
        }
    )


def bundle(entries, *, total, links):
    """A searchset Bundle of (full URL, resource) pairs."""
    return compact(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [
                {"fullUrl": url, "resource": resource, "search": {"mode": "match"}}
                for url, resource in entries
            ],
        }
    )


def operation_outcome(message, code="invalid", severity="error"):
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": message}],
    }
