"""/manage/confirm/<token>/: "Everything is still right", from the monthly email (issue 17).

The link is the staff member's own (signed for them and the clinic, clinics.moderation.
confirming), so it works without signing in. Opening it confirms nothing: the page says what
will be dated today and has one button; the POST confirms. A link cut short, expired, or for
a listing its person no longer keeps is refused with a 4xx page saying why.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clinics.manage.accounts import refused_link
from clinics.models import Offering
from clinics.moderation import LinkRefused, confirmation_from_token, listing_confirm
from clinics.moderation.confirming import confirmed_recently, renewed_facts


def confirm(request, token):
    try:
        clinic, person = confirmation_from_token(token)
    except LinkRefused as refusal:
        return refused_link(request, refusal)
    if request.method == "POST":
        listing_confirm(clinic=clinic, user=person)
        messages.success(
            request,
            _("Thank you: the listing of %(clinic)s is confirmed, dated today.")
            % {"clinic": clinic.name},
        )
        return redirect("manage:confirm", token=token)
    offerings = Offering.objects.filter(location__clinic=clinic).only(
        *Offering.PRICE_FIELDS, "location"
    )
    context = {
        "clinic": clinic,
        "person": person,
        "facts": renewed_facts(clinic, offerings),
        "confirmed_on": confirmed_recently(clinic),
    }
    return render(request, "manage/confirm.html", context)
