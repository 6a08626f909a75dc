"""The directory's own HSDS taxonomy: routes, conditions, payers and payment options as terms.

Conditions treated, payers in network and payment options are `attributes` pointing at
`taxonomy_terms` of this taxonomy (HSDS 3.0 dropped `payment_accepted`).
"""

from dataclasses import dataclass, field

from clinics.models import Condition, Payer, PaymentOption, TreatmentRoute
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


@dataclass
class Taxonomy:
    """All terms of the directory's taxonomy, loaded once per request (four small queries)."""

    terms: list = field(default_factory=list)
    by_key: dict = field(default_factory=dict)

    @classmethod
    def load(cls):
        taxonomy = cls()
        taxonomy_id = hsds_id("taxonomy", TAXONOMY_KEY)
        for group, (model, name, description) in TERM_GROUPS.items():
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
            for obj in model.objects.order_by("sort_order", "name"):
                term = {
                    "id": term_id(group, obj.slug),
                    "code": obj.slug,
                    "name": obj.name,
                    "description": getattr(obj, "description", "") or obj.name,
                    "parent_id": group_term["id"],
                    "taxonomy": TAXONOMY_KEY,
                    "taxonomy_id": taxonomy_id,
                    "language": "en",
                }
                taxonomy.terms.append(term)
                taxonomy.by_key[group, obj.slug] = term
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
