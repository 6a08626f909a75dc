"""Template helpers for the public pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from clinics.mail import absolute_url
from clinics.models import dollars
from clinics.search import shortlist

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the script element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Structured data (schema.org) as a <script type="application/ld+json"> element.

    A data block, never executed, so the strict script-src of the CSP does not apply to it.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


class CaptureNode(template.Node):
    """Renders its content once into a context variable (stripped), and outputs nothing."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """{% capture name %}...{% endcapture %}: a page's title or description said once, used by
    <title>, the meta description and the Open Graph tags. Blocks inside are still overridden
    by child templates (Django finds them through child_nodelists)."""
    try:
        _tag, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("capture takes one name: {% capture title %}") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


@register.filter
def breadcrumb_list(trail, current_url=""):
    """A page's breadcrumbs [(name, path or None for this page)] as schema.org BreadcrumbList
    JSON-LD, with absolute addresses from SITE_URL."""
    items = []
    for position, (name, path) in enumerate(trail, start=1):
        item = {"@type": "ListItem", "position": position, "name": name}
        if path or current_url:
            item["item"] = absolute_url(path) if path else current_url
        items.append(item)
    return json_ld(
        {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
    )


@register.simple_tag(takes_context=True)
def compare_link(context, slug, anchor_id=""):
    """{% compare_link clinic.slug "result-3" as link %}: link.url adds the clinic to the
    page's shortlist or, when it is on it, removes it (link.chosen), coming back to the element
    `anchor_id`; link.url is None when the shortlist is full."""
    request = context["request"]
    anchor = f"#{anchor_id}" if anchor_id else ""
    if slug in shortlist.chosen(request.GET):
        return {"chosen": True, "url": shortlist.removed_url(request, slug, anchor)}
    return {"chosen": False, "url": shortlist.added_url(request, slug, anchor)}


@register.simple_tag(takes_context=True)
def with_shortlist(context, url):
    """`url` carrying the page's shortlist (`compare=`), so it follows the patient."""
    request = context.get("request")
    return shortlist.carried(request, url) if request is not None else url


@register.filter
def in_sentence(name):
    """A name as it reads inside a sentence: "Treatment-resistant depression" becomes
    "treatment-resistant depression", while abbreviations keep their capitals ("PTSD", "OCD",
    "CRPS") and so do names of things ("Esketamine (Spravato)" is left to the caller)."""
    first = str(name).split(" ", 1)[0]
    letters = [c for c in first if c.isalpha()]
    if len(letters) > 1 and letters[1].isupper():
        return name
    return str(name)[:1].lower() + str(name)[1:]


@register.filter
def pubmed_search(citation):
    """A PubMed search for a citation: a link that finds the paper without a stored address."""
    return (
        "https://pubmed.ncbi.nlm.nih.gov/?"
        + QueryDict.fromkeys(["term"], str(citation)).urlencode()
    )


# How the public pages write dates and times. In English, as they always have ("January 5,
# 2025", "Jan 5, 2025", "9:00 AM"); in another language, in its own locale's formats from
# Django ("5 de enero de 2025", "09:00"), month names in that language. A short date in another
# language is its long one: "05/01/2025" reads as May 1 to a reader in the US.
# Months with a year and days of a month need no filter: `date:"YEAR_MONTH_FORMAT"` ("January
# 2025", "enero de 2025") and `date:"MONTH_DAY_FORMAT"` ("January 5", "5 de enero").
ENGLISH_FORMATS = {"long": "F j, Y", "short": "M j, Y", "time": "g:i A"}
LOCALE_FORMATS = {"long": "DATE_FORMAT", "short": "DATE_FORMAT", "time": "TIME_FORMAT"}


def _format(kind):
    english = (get_language() or "en").split("-")[0] == "en"
    return (ENGLISH_FORMATS if english else LOCALE_FORMATS)[kind]


@register.filter(expects_localtime=True)
def long_date(value):
    """{{ day|long_date }}: "January 5, 2025", "5 de enero de 2025"."""
    return date_filter(value, _format("long"))


@register.filter(expects_localtime=True)
def short_date(value):
    """{{ day|short_date }}: "Jan 5, 2025", "5 de enero de 2025"."""
    return date_filter(value, _format("short"))


@register.filter(expects_localtime=True)
def clock(value):
    """{{ hours.opens|clock }}: "9:00 AM", "09:00"."""
    return time_filter(value, _format("time"))


@register.filter
def usd(amount):
    """{{ offering.series_price_usd|usd }}: "$1,200", as price labels write it."""
    return "" if amount is None else dollars(amount)


@register.filter
def text(option, field):
    """A reference option's text field in the page's language: {{ route|text:"session" }}
    (ReferenceData.translated; issue 20)."""
    return option.translated(field)
