"""HSDS 3.0 in (issue 18.6): another directory's export read as rows of the import format.

An HSDS 3.0 JSON document (the shape `/downloads/hsds` writes: `{"organizations": [...]}`
with full locations and services; a bare list of organizations, or one organization, is read
too) becomes one row per location, so the import checks, writes, reports and re-imports it
exactly as a CSV: the same validation, dry run, problem file (a CSV in the import format),
history, and idempotent re-import by source and id (`clinic_id` = the organization's id,
`location_id` = the location's id). Problems name the record, not a line:
`organization 0b3c..., location 9f1e...: phone: ...`.

Mapping (the reverse of clinics/opendata/hsds, docs/opendata.md): organization name, email,
website, NPI (`organization_identifiers` of type NPI); each location's name (blank when it is
the organization's), physical address, coordinates, first phone (with `extension`) or else
the organization's, languages, and the conditions, payers and payment options among its
`attributes`; each service is a route (its `route` attribute, or a route named in the
service's name), offered at the locations of its `service_at_locations`, priced by its
"Per session" `cost_options` (the range in `amount_description`, else `amount`); a service
`url` other than the website is the booking link; an `alert` saying "not accepting new
patients" sets `accepting` to no. Schedules, accessibility and descriptions are not in the
import format and are not read.
"""

import json
import os
import re

from django.utils.text import slugify

from clinics.importing.columns import header
from clinics.importing.reading import Table
from clinics.importing.report import RowError

# The attribute groups (`link_type`) of the directory's taxonomy that the format carries.
ATTRIBUTE_COLUMNS = {"condition": "conditions", "payer": "insurance", "payment-option": "payment"}
PRICE_RE = re.compile(r"^\s*\$?\s*([\d,]+)(?:\s*[-\u2013]\s*\$?\s*([\d,]+))?")


def read_hsds(source):
    """The Table of an HSDS document (bytes, a path or a file), with a label for each record."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            source = handle.read()
    elif not isinstance(source, bytes):
        source = source.read()
    table = Table(columns=header(), encoding="utf-8", labels={1: "document"})
    try:
        document = json.loads(source)
    except (ValueError, UnicodeDecodeError) as error:
        table.errors.append(RowError(1, "file", f"not HSDS JSON ({error})"))
        return table
    organizations = _organizations(document)
    if organizations is None:
        table.errors.append(
            RowError(1, "file", 'no organizations: expected {"organizations": [...]}')
        )
        return table
    line = 1
    for organization in organizations:
        for label, values in organization_rows(organization):
            line += 1
            table.rows.append((line, [values.get(column, "") for column in table.columns]))
            table.labels[line] = label
    return table


def _organizations(document):
    if isinstance(document, dict) and isinstance(document.get("organizations"), list):
        return [o for o in document["organizations"] if isinstance(o, dict)]
    if isinstance(document, dict) and "locations" in document and "name" in document:
        return [document]
    if isinstance(document, list):
        return [o for o in document if isinstance(o, dict)]
    return None


def _text(value):
    return "" if value is None else str(value)


def _items(parent, key):
    value = parent.get(key) if isinstance(parent, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def organization_rows(organization):
    """(label, {column: text}) for each location of one organization."""
    org_id = _text(organization.get("id"))
    clinic = {
        "clinic_id": org_id,
        "clinic_name": _text(organization.get("name")),
        "email": _text(organization.get("email")),
        "website": _text(organization.get("website")),
        "npi": next(
            (
                _text(item.get("identifier"))
                for item in _items(organization, "organization_identifiers")
                if _text(item.get("identifier_type")).upper() == "NPI"
            ),
            "",
        ),
    }
    services = _items(organization, "services")
    clinic.update(_service_facts(services, clinic["website"]))
    offered = _routes_by_location(services)
    org_phone = next(iter(_items(organization, "phones")), None)
    locations = _items(organization, "locations")
    if not locations:  # the parser says what is missing
        yield f"organization {org_id}", dict(clinic)
    for location in locations:
        location_id = _text(location.get("id"))
        values = {**clinic, **_location_values(location, clinic["clinic_name"], org_phone)}
        routes = offered.get(location_id, {})
        values["routes"] = ";".join(routes)
        for slug, price in routes.items():
            values[f"price_{slug}"] = price
        yield f"organization {org_id}, location {location_id}", values


def _service_facts(services, website):
    facts = {}
    for service in services:
        url = _text(service.get("url"))
        if url and url != website:
            facts.setdefault("booking_url", url)
        if "not accepting new patients" in _text(service.get("alert")).lower():
            facts["accepting"] = "no"
    return facts


def _location_values(location, clinic_name, org_phone):
    name = _text(location.get("name"))
    addresses = _items(location, "addresses")
    address = next(
        (a for a in addresses if _text(a.get("address_type")) in ("", "physical")),
        addresses[0] if addresses else {},
    )
    phone = next(iter(_items(location, "phones")), org_phone) or {}
    number, extension = _text(phone.get("number")), _text(phone.get("extension"))
    if extension.endswith(".0"):  # a JSON number
        extension = extension[:-2]
    values = {
        "location_id": _text(location.get("id")),
        "location_name": "" if name == clinic_name else name,
        "address_line1": _text(address.get("address_1")),
        "address_line2": _text(address.get("address_2")),
        "city": _text(address.get("city")),
        "state": _text(address.get("state_province")),
        "postal_code": _text(address.get("postal_code")),
        "country": _text(address.get("country")),
        "latitude": _text(location.get("latitude")),
        "longitude": _text(location.get("longitude")),
        "phone": f"{number} ext. {extension}" if number and extension else number,
        "languages": ";".join(_text(lang.get("code")) for lang in _items(location, "languages")),
    }
    for link_type, column in ATTRIBUTE_COLUMNS.items():
        codes = dict.fromkeys(
            _text(attribute.get("taxonomy_term", {}).get("code"))
            for attribute in _items(location, "attributes")
            if attribute.get("link_type") == link_type
            and isinstance(attribute.get("taxonomy_term"), dict)
        )
        values[column] = ";".join(code for code in codes if code)
    return values


def _route_of(service):
    for attribute in _items(service, "attributes"):
        term = attribute.get("taxonomy_term")
        if attribute.get("link_type") == "route" and isinstance(term, dict) and term.get("code"):
            return _text(term["code"])
    return _text(service.get("alternate_name") or service.get("name"))


def _routes_by_location(services):
    """{location id: {route: price text}} from the services and their cost options."""
    offered = {}
    for service in services:
        route = slugify(_route_of(service))
        if not route:
            continue
        sites = [
            _text(sal.get("location_id") or (sal.get("location") or {}).get("id"))
            for sal in _items(service, "service_at_locations")
        ]
        prices = {}
        for option in _items(service, "cost_options"):
            if _text(option.get("option")).lower() not in ("per session", ""):
                continue
            match = PRICE_RE.match(_text(option.get("amount_description")))
            if match:
                low, high = (g.replace(",", "") if g else g for g in match.groups())
                price = f"{low}-{high}" if high and high != low else low
            else:
                price = _text(option.get("amount")).removesuffix(".0")
            where = _text(option.get("location_id"))
            for site in [where] if where else sites:
                prices[site] = price
        for site in sites:
            offered.setdefault(site, {})[route] = prices.get(site, "")
    return offered
