"""Forms of the public moderation pages (report, claim, list your clinic) and the queue.

The public forms resist spam without third-party services (issue 4): a honeypot field that
people never see and bots fill in, and a signed timestamp that rejects forms sent back
faster than a person can fill them in (or older than two days).
"""

import time

from django import forms
from django.core import signing

from clinics.models import ClaimRequest, Clinic, Location, ModeratorPreference, Report
from clinics.validators import validate_npi

TIMESTAMP_SALT = "clinics.forms.started"  # unchanged by the move: signed forms stay valid
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 2 * 24 * 3600


def form_timestamp(*, seconds_ago=0):
    """A signed "form shown at" value; tests pass seconds_ago to look like a person."""
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


class SpamResistantForm(forms.Form):
    # The honeypot: hidden from people by CSS (static/css/moderation.css), named to tempt bots.
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
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
            raise forms.ValidationError("Your message looks automated and was not sent.")
        try:
            started = float(
                signing.loads(
                    self.data.get("started", ""), salt=TIMESTAMP_SALT, max_age=MAX_FORM_AGE_SECONDS
                )
            )
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                "This form has expired. Please check your entries and send it again."
            ) from None
        finally:
            # A re-rendered form gets a fresh timestamp: correcting it takes a person a while.
            self.data = self.data.copy()
            self.data["started"] = form_timestamp()
        if time.time() - started > MAX_FORM_AGE_SECONDS:
            raise forms.ValidationError(
                "This form has expired. Please check your entries and send it again."
            )
        if time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                "That was very quick. Please check your entries and send the form again."
            )
        return cleaned


class ReportForm(SpamResistantForm):
    problem = forms.ChoiceField(
        label="What is wrong?", choices=Report.Problem.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="Details",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is wrong, and what is right if you know it.",
    )
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        help_text="Only if you would like to hear what we did. We never show it.",
    )

    field_order = ["problem", "details", "email", "homepage", "started"]


class ClaimForm(SpamResistantForm):
    name = forms.CharField(label="Your name", max_length=150)
    role = forms.CharField(label="Your role at the clinic", max_length=120)
    work_email = forms.EmailField(
        label="Work email",
        help_text="An address on the clinic website's domain helps us confirm you quickly.",
    )
    npi = forms.CharField(
        label="NPI (optional)",
        max_length=10,
        required=False,
        validators=[validate_npi],
        help_text="The clinic's organisation NPI, or your own.",
    )

    field_order = ["name", "role", "work_email", "npi", "homepage", "started"]


class ListClinicForm(SpamResistantForm):
    """A new listing from the public: one clinic with one location, reviewed before it shows."""

    clinic_name = forms.CharField(label="Clinic name", max_length=200)
    website = forms.URLField(label="Clinic website", required=False, assume_scheme="https")
    phone = Clinic._meta.get_field("phone").formfield(label="Clinic phone")
    address_line1 = Location._meta.get_field("address_line1").formfield()
    city = Location._meta.get_field("city").formfield()
    state = Location._meta.get_field("state").formfield()
    postal_code = Location._meta.get_field("postal_code").formfield()
    name = forms.CharField(label="Your name", max_length=150)
    role = forms.CharField(label="Your role at the clinic", max_length=120)
    work_email = forms.EmailField(label="Your work email")
    npi = forms.CharField(
        label="Clinic NPI (optional)", max_length=10, required=False, validators=[validate_npi]
    )

    field_order = [
        "clinic_name",
        "website",
        "phone",
        "address_line1",
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


class ReasonForm(forms.Form):
    """The moderator's reason (reject) or note (resolve a report)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Sent to the people concerned by email.",
    )


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (ClaimRequest.Status.APPROVED, "Approve"),
            (ClaimRequest.Status.REJECTED, "Reject"),
        ]
    )
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ClaimRequest.Status.REJECTED and not cleaned.get("reason"):
            self.add_error("reason", "Give a reason for the rejection.")
        return cleaned


class DigestForm(forms.ModelForm):
    """How a moderator hears about new work (issue 15.5)."""

    class Meta:
        model = ModeratorPreference
        fields = ["email"]
        widgets = {"email": forms.RadioSelect}
