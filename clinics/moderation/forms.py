"""Forms of the public moderation pages (report, claim, list your clinic) and the queue.

The public forms resist spam without third-party services (issue 4): a honeypot field that
people never see and bots fill in, and a signed token with the time the form was shown that
rejects forms sent back faster than a person can fill them in (or older than two days). The
token is good for one submission (issue 12, item 6): sending the same form again, by a
double click or a script, sends nothing (limits.use_once, in the shared cache).
"""

import secrets
import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinics.importing import (
    ValueProblem,
    check_zip_in_state,
    parse_npi,
    parse_phone,
    parse_postal_code,
    parse_url,
)
from clinics.models import (
    ClaimRequest,
    Clinic,
    Location,
    ModeratorPreference,
    Report,
    Verification,
)
from clinics.moderation import limits
from clinics.validators import US_STATES

TIMESTAMP_SALT = "clinics.forms.started"  # unchanged by the move: signed forms stay valid
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 2 * 24 * 3600


def column_field(model, name, **overrides):
    """The form field of a model's column: the column's length and every validator it has
    (one line, no control characters; an NPI's check digit...), so that what a form accepts
    always fits where it is stored (issue 12, items 4 and 5)."""
    column = model._meta.get_field(name)
    field = column.formfield(**overrides)
    field.validators.extend(
        validator for validator in column.validators if validator not in field.validators
    )
    return field


EXPIRED = _("This form has expired. Please check your entries and send it again.")
ALREADY_SENT = _(
    "This form was sent already, so this copy was not sent again. "
    "To send another, check your entries and send the form again."
)


def form_timestamp(*, seconds_ago=0):
    """A signed, single-use form token: when the form was shown, and a random id.

    Tests pass seconds_ago to look like a person."""
    value = {"at": time.time() - seconds_ago, "once": secrets.token_urlsafe(16)}
    return signing.dumps(value, salt=TIMESTAMP_SALT)


def read_token(text):
    """(shown at, id) of a token we signed in the last two days; ValueError otherwise.

    A bare timestamp (the tokens before issue 12.6, which could be sent again and again) is
    refused like an expired one."""
    try:
        value = signing.loads(text or "", salt=TIMESTAMP_SALT, max_age=MAX_FORM_AGE_SECONDS)
        started, once = float(value["at"]), str(value["once"])
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        raise ValueError("not a form token") from None
    if not once:
        raise ValueError("not a form token")
    return started, once


class SpamResistantForm(forms.Form):
    # The honeypot: hidden from people by CSS (static/css/moderation.css), named to tempt bots.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = form_timestamp()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage"):
            raise forms.ValidationError(_("Your message looks automated and was not sent."))
        try:
            started, self.token = read_token(self.data.get("started", ""))
        except ValueError:
            raise forms.ValidationError(EXPIRED) from None
        finally:
            # A re-rendered form gets a fresh token: correcting it takes a person a while.
            self.data = self.data.copy()
            self.data["started"] = form_timestamp()
        if time.time() - started > MAX_FORM_AGE_SECONDS:
            raise forms.ValidationError(EXPIRED)
        if time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was very quick. Please check your entries and send the form again.")
            )
        return cleaned

    def use_token(self):
        """Spend the token of this valid form; False (with an error) if it was spent before."""
        if limits.use_once(self.token, timeout=MAX_FORM_AGE_SECONDS):
            return True
        self.add_error(None, ALREADY_SENT)
        return False


class ReportForm(SpamResistantForm):
    problem = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Problem.choices, widget=forms.RadioSelect
    )
    details = column_field(
        Report,
        "details",
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, and what is right if you know it."),
    )
    email = column_field(
        Report,
        "email",
        label=_("Your email (optional)"),
        help_text=_("Only if you would like to hear what we did. We never show it."),
    )

    field_order = ["problem", "details", "email", "homepage", "started"]


class ClaimForm(SpamResistantForm):
    name = column_field(ClaimRequest, "name", label=_("Your name"))
    role = column_field(ClaimRequest, "role", label=_("Your role at the clinic"))
    work_email = column_field(
        ClaimRequest,
        "work_email",
        label=_("Work email"),
        help_text=_("An address on the clinic website's domain helps us confirm you quickly."),
    )
    npi = column_field(ClaimRequest, "npi", label=_("NPI (optional)"))

    field_order = ["name", "role", "work_email", "npi", "homepage", "started"]


def cell_check(parse, value):
    """Run one of the import's cell parsers (issue 15.9: one rule for both ways in)."""
    try:
        return parse(value)
    except ValueProblem as problem:
        raise forms.ValidationError(str(problem)) from None


WEBSITE_MAX_LENGTH = Clinic._meta.get_field("website").max_length

# States by name, as people look for them; the stored value is the USPS code.
STATES_BY_NAME = [("", _("Choose a state"))] + sorted(
    ((code, _(name)) for code, name in US_STATES.items()), key=lambda item: str(item[1])
)


class ListClinicForm(SpamResistantForm):
    """A new listing from the public: one clinic with one location, reviewed before it shows.

    Checked like a row of the import (clinics.importing cell parsers): a phone number that
    exists, a known ZIP code in the state given, a web address, an NPI with its check digit.
    """

    clinic_name = column_field(Clinic, "name", label=_("Clinic name"))
    website = forms.CharField(
        label=_("Clinic website"), required=False, max_length=WEBSITE_MAX_LENGTH
    )
    phone = forms.CharField(
        label=_("Clinic phone"),
        max_length=30,
        help_text=_("The number patients call: (503) 555-0101, with an extension if any: x1001"),
    )
    address_line1 = column_field(Location, "address_line1")
    address_line2 = column_field(
        Location, "address_line2", help_text=_("Suite, floor or building, if any.")
    )
    city = column_field(Location, "city")
    state = forms.ChoiceField(label=_("State"), choices=STATES_BY_NAME)
    postal_code = forms.CharField(
        label=pgettext_lazy("form label", "ZIP code"),
        max_length=10,
        help_text=_("12345 or 12345-6789"),
    )
    name = column_field(ClaimRequest, "name", label=_("Your name"))
    role = column_field(ClaimRequest, "role", label=_("Your role at the clinic"))
    work_email = column_field(ClaimRequest, "work_email", label=_("Your work email"))
    # Read by the import's parser, which takes an NPI written with spaces or dashes.
    npi = forms.CharField(label=_("Clinic NPI (optional)"), max_length=12, required=False)

    field_order = [
        "clinic_name",
        "website",
        "phone",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "postal_code",
        "npi",
        "name",
        "role",
        "work_email",
        "homepage",
        "started",
    ]

    def clean_website(self):
        url = cell_check(parse_url, self.cleaned_data["website"])
        if len(url) > WEBSITE_MAX_LENGTH:  # "https://" was added to what was typed
            raise forms.ValidationError(
                _("Give a web address of at most %(limit)s characters."),
                params={"limit": WEBSITE_MAX_LENGTH},
            )
        return url

    def clean_phone(self):
        return cell_check(parse_phone, self.cleaned_data["phone"])

    def clean_postal_code(self):
        return cell_check(parse_postal_code, self.cleaned_data["postal_code"])

    def clean_npi(self):
        return cell_check(parse_npi, self.cleaned_data["npi"])

    def clean(self):
        cleaned = super().clean()
        postal_code, state = cleaned.get("postal_code"), cleaned.get("state")
        if postal_code and state:
            try:
                cell_check(lambda value: check_zip_in_state(value, state), postal_code)
            except forms.ValidationError as error:
                self.add_error("postal_code", error)
        return cleaned


class ReasonForm(forms.Form):
    """The moderator's reason (reject) or note (resolve a report)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Sent to the people concerned by email."),
    )


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ClaimRequest.Status.APPROVED, _("Approve")),
            (ClaimRequest.Status.REJECTED, _("Reject")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ClaimRequest.Status.REJECTED and not cleaned.get("reason"):
            self.add_error("reason", _("Give a reason for the rejection."))
        return cleaned


class DigestForm(forms.ModelForm):
    """How a moderator hears about new work (issue 15.5)."""

    class Meta:
        model = ModeratorPreference
        fields = ["email"]
        widgets = {"email": forms.RadioSelect}


class VerificationForm(forms.Form):
    """The moderator's checklist (issue 15.10): each fact confirmed today, and how."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fact, label in Verification.Fact.choices:
            self.fields[f"check_{fact}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"how_{fact}"] = column_field(
                Verification,
                "method",
                label=_("How the %(fact)s was confirmed") % {"fact": label},
                initial=Verification.DEFAULT_METHODS[fact],
            )

    def rows(self):
        """(checkbox, how) bound fields per fact, for the template."""
        return [(self[f"check_{fact}"], self[f"how_{fact}"]) for fact in Verification.Fact.values]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"check_{fact}") for fact in Verification.Fact.values):
            raise forms.ValidationError(_("Tick at least one thing you confirmed."))
        return cleaned

    def checks(self):
        return {
            fact: self.cleaned_data[f"how_{fact}"]
            for fact in Verification.Fact.values
            if self.cleaned_data.get(f"check_{fact}")
        }
