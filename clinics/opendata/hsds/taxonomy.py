"""The directory's own HSDS taxonomy: routes, conditions, payers and payment options as terms.

Conditions treated, payers in network and payment options are `attributes` pointing at
`taxonomy_terms` of this taxonomy (HSDS 3.0 dropped `payment_accepted`).
"""

from dataclasses import dataclass, field

from django.utils import translation

from clinics.models import Condition, Payer, PaymentOption, TreatmentRoute, Verification
from clinics.opendata.hsds.ids import compact, hsds_id

TAXONOMY_KEY = "ketamine-directory"

TERM_GROUPS = {
    # group key: (model, name of the group term, description, link_type of its attributes)
    "route": (TreatmentRoute, "Treatment routes", "How ketamine is given."),
    "condition": (Condition, "Conditions treated", "Conditions a site treats with ketamine."),
    "payer": (Payer, "Insurance in network", "Insurers and public programmes in network."),
    "payment-option": (
        PaymentOption,
        "Payment options",
        "Ways to pay besides in-network insurance.",
    ),
}


# Terms that are choices, not rows: the facts a listing's verification names (issue 15.10).
CHOICE_GROUPS = {
    "verified": (
        Verification.Fact,
        "Verified facts",
        "Facts of a listing confirmed within their validity; the attribute's value says when "
        "and by whom (moderator, clinic, or import:<source>).",
    ),
}


def taxonomy_json():
    return {
        "id": hsds_id("taxonomy", TAXONOMY_KEY),
        "name": "Ketamine provider directory",
        "description": "The directory's own vocabulary for treatment routes, conditions "
        "treated, insurance in network and payment options. Codes are the slugs used by the "
        "directory's search API and import format.",
        "version": "1",
    }


def term_id(group, slug=None):
    if slug is None:
        return hsds_id("taxonomy_term", "group", group)
    return hsds_id("taxonomy_term", group, slug)


def _entries(source):
    """(slug, name, description) of each term: rows of a reference table, or choices."""
    if group_choices := getattr(source, "choices", None):
        # Choice labels are translatable; open data is in English (its terms' "language").
        with translation.override("en"):
            return [(value, str(label), str(label)) for value, label in group_choices]
    return [
        (obj.slug, obj.name, getattr(obj, "description", "") or obj.name)
        for obj in source.objects.order_by("sort_order", "name")
    ]


@dataclass
class Taxonomy:
    """All terms of the directory's taxonomy, loaded once per request (four small queries)."""

    terms: list = field(default_factory=list)
    by_key: dict = field(default_factory=dict)

    @classmethod
    def load(cls):
        taxonomy = cls()
        taxonomy_id = hsds_id("taxonomy", TAXONOMY_KEY)
        for group, (source, name, description) in {**TERM_GROUPS, **CHOICE_GROUPS}.items():
            group_term = {
                "id": term_id(group),
                "code": group,
                "name": name,
                "description": description,
                "taxonomy": TAXONOMY_KEY,
                "taxonomy_id": taxonomy_id,
                "language": "en",
            }
            taxonomy.terms.append(group_term)
            for slug, term_name, term_description in _entries(source):
                term = {
                    "id": term_id(group, slug),
                    "code": slug,
                    "name": term_name,
                    "description": term_description,
                    "parent_id": group_term["id"],
                    "taxonomy": TAXONOMY_KEY,
                    "taxonomy_id": taxonomy_id,
                    "language": "en",
                }
                taxonomy.terms.append(term)
                taxonomy.by_key[group, slug] = term
        return taxonomy

    def attribute(self, *, entity, link_key, group, slug, value=None):
        """An attribute linking one object to one term of the taxonomy."""
        term = self.by_key.get((group, slug))
        if term is None:  # reference data added after this taxonomy was loaded
            return None
        return compact(
            {
                "id": hsds_id("attribute", entity, link_key, group, slug),
                "link_id": None,  # filled in by the caller, which knows the linked object
                "link_type": group,
                "link_entity": entity,
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
                "value": value,
            }
        )

    def attributes(self, *, entity, link_id, link_key, items):
        """Attributes for (group, slug, value) items, in order, without duplicates."""
        result = []
        seen = set()
        for group, slug, value in items:
            if (group, slug) in seen:
                continue
            seen.add((group, slug))
            attribute = self.attribute(
                entity=entity, link_key=link_key, group=group, slug=slug, value=value
            )
            if attribute is not None:
                attribute["link_id"] = link_id
                result.append(attribute)
        return result


@dataclass
class Context:
    """What the serialisers need besides the rows: absolute URLs and the taxonomy."""

    base_url: str = ""
    taxonomy: Taxonomy = None

    def __post_init__(self):
        if self.taxonomy is None:
            self.taxonomy = Taxonomy.load()

    def url(self, path):
        return f"{self.base_url.rstrip('/')}{path}" if self.base_url else None
