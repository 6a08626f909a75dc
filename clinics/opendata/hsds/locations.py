"""HSDS locations: each site of a clinic with its address, phones, schedules and languages."""

from clinics.opendata.hsds.ids import compact, hsds_id

BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


def phone_json(phone, *, key, description=None, **links):
    """An HSDS phone from a clinics.phones.PhoneNumber; None without a number."""
    if not phone:
        return None
    return compact(
        {
            "id": hsds_id("phone", *key),
            **links,
            "number": phone.number,
            "extension": int(phone.extension) if phone.extension else None,
            "type": "voice",
            "description": description,
        }
    )


def address_json(location):
    return compact(
        {
            "id": hsds_id("address", location.pk),
            "location_id": hsds_id("location", location.pk),
            "address_1": location.address_line1,
            "address_2": location.address_line2 or None,
            "city": location.city,
            "state_province": location.state,
            "postal_code": location.postal_code,
            "country": location.country or "US",
            "address_type": "physical",
        }
    )


def schedule_json(hours, location_id):
    day = BYDAY[hours.weekday]
    opens, closes = hours.opens.strftime("%H:%M"), hours.closes.strftime("%H:%M")
    return {
        "id": hsds_id("schedule", hours.pk),
        "location_id": location_id,
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": day,
        "opens_at": opens,
        "closes_at": closes,
        "description": f"{hours.get_weekday_display()} {opens}-{closes}",
    }


def location_brief(location, ctx):
    """The one-to-one fields of a location (as in compiled/service_at_location_list.json)."""
    clinic = location.clinic
    return compact(
        {
            "id": hsds_id("location", location.pk),
            "location_type": "physical",
            "url": ctx.url(location.get_absolute_url()),
            "organization_id": hsds_id("clinic", clinic.pk),
            "name": location.name or clinic.name,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    )


def location_json(location, ctx):
    """A fully nested location; expects LOCATION_PREFETCHES."""
    clinic = location.clinic
    location_id = hsds_id("location", location.pk)
    phone = phone_json(
        location.phone_number or clinic.phone_number,
        key=("location", location.pk),
        location_id=location_id,
    )
    accessibility = []
    if location.accessibility:
        accessibility.append(
            {
                "id": hsds_id("accessibility", location.pk),
                "location_id": location_id,
                "description": location.accessibility,
            }
        )
    return compact(
        {
            **location_brief(location, ctx),
            "addresses": [address_json(location)],
            "phones": [phone] if phone else [],
            "schedules": [schedule_json(hours, location_id) for hours in location.hours.all()],
            "languages": [
                {
                    "id": hsds_id("language", "location", location.pk, language.code),
                    "location_id": location_id,
                    "name": language.name,
                    "code": language.code,
                }
                for language in location.languages.all()
            ],
            "accessibility": accessibility,
            "attributes": ctx.taxonomy.attributes(
                entity="location",
                link_id=location_id,
                link_key=location.pk,
                items=[
                    *(("condition", c.slug, None) for c in location.conditions.all()),
                    *(
                        ("payer", a.payer.slug, a.route.slug if a.route else None)
                        for a in location.payer_acceptances.all()
                    ),
                    *(("payment-option", p.slug, None) for p in location.payment_options.all()),
                ],
            ),
        }
    )
