"""The forms of the /manage/ listing page (issue 17): the clinic, then each location with its
routes and prices, insurance per route, hours, payment options, conditions and languages.

Everything is checked as strictly as a row of the import, with the import's own cell parsers
(clinics.importing, through moderation.forms.cell_check): a phone number that exists, a known
ZIP code in the state given, web addresses, an NPI with its check digit, a price range the
right way round. A fact the clinic may not have given is yes / no / "not stated" (issue 14.3).

The page puts them together in clinics.manage.listing_forms. Reference data comes in one
query per table (`Choices`), not one per select.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from clinics.importing import (
    check_zip_in_state,
    parse_npi,
    parse_phone,
    parse_postal_code,
    parse_url,
)
from clinics.models import (
    Clinic,
    Condition,
    Language,
    Location,
    OpeningHours,
    Payer,
    PaymentOption,
    ProfessionalBody,
    TreatmentRoute,
)
from clinics.moderation.forms import STATES_BY_NAME, cell_check

# Answered by quick updates (clinics.manage.quick), not in the reviewed form.
QUICK_FIELDS = ("accepting_new_patients",)


class StatedRadio(forms.RadioSelect):
    """Yes / No / Not stated as three radio buttons (issue 14.3): "not stated" is a choice."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs, choices=[("true", _("Yes")), ("false", _("No")), ("unknown", _("Not stated"))]
        )

    def format_value(self, value):
        return [
            {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "unknown")
        ]

    def value_from_datadict(self, data, files, name):
        return {"true": True, "false": False}.get(data.get(name))


class Choices:
    """The reference data the forms offer, read once per page."""

    def __init__(self):
        # Names in the page's language (ReferenceData.label; English: the name itself).
        self.routes = [(r.pk, r.label) for r in TreatmentRoute.objects.all()]
        self.payers = [(p.pk, p.label) for p in Payer.objects.all()]
        self.conditions = [(c.pk, c.label) for c in Condition.objects.all()]
        self.payment_options = [(p.pk, p.label) for p in PaymentOption.objects.all()]
        self.languages = [(lang.pk, lang.label) for lang in Language.objects.all()]
        self.bodies = [(b.pk, b.label) for b in ProfessionalBody.objects.all()]


def _id_choices(choices, label, **kwargs):
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class PhoneChecks:
    """The phone (with an extension typed into it, `503-555-0101 x12`) checked like the import."""

    def clean_phone(self):
        phone = cell_check(parse_phone, self.cleaned_data.get("phone", ""))
        self._parsed_phone = phone
        return phone.number if phone else ""

    def _move_extension(self, cleaned):
        phone = getattr(self, "_parsed_phone", None)
        if phone and phone.extension:
            given = cleaned.get("phone_extension") or ""
            if given and given != phone.extension:
                self.add_error(
                    "phone_extension",
                    gettext("The phone number says extension %(extension)s; give one extension.")
                    % {"extension": phone.extension},
                )
            else:
                cleaned["phone_extension"] = phone.extension
        return cleaned


class ClinicFactsForm(PhoneChecks, forms.ModelForm):
    class Meta:
        model = Clinic
        fields = [
            "name", "description", "description_language", "website", "phone", "phone_extension", "email",
            "booking_url", "starts_by_phone", "starts_by_text", "starts_by_web_form",
            "starts_by_online_booking", "referral_required", "psychiatric_evaluation_required",
            "npi", "offers_kap", "works_with_own_therapist", "offers_integration",
            "offers_telehealth", "offers_at_home", "telehealth_states", "medical_screening",
            "vital_sign_monitoring", "clinician_on_site", "observation_minutes",
            "driver_required", "rems_certified",
        ]  # fmt: skip
        widgets = {
            name: StatedRadio for name in Clinic.STATED_FACTS if name not in QUICK_FIELDS
        } | {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, choices, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["memberships"] = _id_choices(
            choices.bodies, _("Professional memberships"), initial=list(memberships)
        )
        for name in ("website", "booking_url"):
            self.fields[name] = forms.CharField(
                label=self.fields[name].label,
                required=False,
                max_length=200,
                help_text=self.fields[name].help_text,
            )
        self.fields["npi"].max_length = 12
        self.fields["booking_url"].label = _("Online booking address")

    def clean_website(self):
        return cell_check(parse_url, self.cleaned_data["website"])

    def clean_booking_url(self):
        return cell_check(parse_url, self.cleaned_data["booking_url"])

    def clean_npi(self):
        return cell_check(parse_npi, self.cleaned_data["npi"])

    def clean(self):
        return self._move_extension(super().clean())


class LocationForm(PhoneChecks, forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name", "address_line1", "address_line2", "city", "state", "postal_code",
            "phone", "phone_extension", "accessibility",
        ]  # fmt: skip
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, choices, m2m, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"] = forms.ChoiceField(label=_("State"), choices=STATES_BY_NAME)
        self.fields["postal_code"].validators = []  # parse_postal_code says what is wrong
        self.fields["conditions"] = _id_choices(
            choices.conditions, _("Conditions treated"), initial=m2m["conditions"]
        )
        self.fields["payment_options"] = _id_choices(
            choices.payment_options, _("Payment options"), initial=m2m["payment_options"]
        )
        self.fields["languages"] = _id_choices(
            choices.languages, _("Languages spoken"), initial=m2m["languages"]
        )
        for name in ("conditions", "languages"):  # long lists: the page names the chosen ones
            names = dict(self.fields[name].choices)
            self.fields[name].chosen_names = [names[pk] for pk in m2m[name] if pk in names]

    def clean_postal_code(self):
        return cell_check(parse_postal_code, self.cleaned_data["postal_code"])

    def clean(self):
        cleaned = self._move_extension(super().clean())
        postal_code, state = cleaned.get("postal_code"), cleaned.get("state")
        if postal_code and state and "postal_code" not in self.errors:
            try:
                cell_check(lambda value: check_zip_in_state(value, state), postal_code)
            except forms.ValidationError as error:
                self.add_error("postal_code", error)
        return cleaned


def _price(label):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=1_000_000)


class OfferingForm(forms.Form):
    route = forms.TypedChoiceField(label=_("Route"), coerce=int)
    price_min_usd = _price(_("Lowest price per session (USD)"))
    price_max_usd = _price(_("Highest price per session (USD)"))
    series_price_usd = _price(_("Price of a typical series (USD)"))
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), required=False, min_value=1, max_value=600
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [("", _("Choose a route")), *choices.routes]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min_usd"), cleaned.get("price_max_usd")
        if high is not None and low is None:
            self.add_error(
                "price_min_usd", gettext("Give the lowest price too (the same for one price).")
            )
        elif low is not None and high is not None and low > high:
            # The import's words for the same mistake (clinics.importing.cells.parse_price).
            self.add_error(
                "price_max_usd",
                gettext(
                    "The price range %(low)s-%(high)s is reversed; the highest price comes second."
                )
                % {"low": low, "high": high},
            )
        return cleaned


class InsuranceForm(forms.Form):
    payer = forms.TypedChoiceField(label=_("Insurer"), coerce=int)
    route = forms.TypedChoiceField(
        label=pgettext_lazy("insurance for a route", "For"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [("", _("Choose an insurer")), *choices.payers]
        self.fields["route"].choices = [("", _("Every route offered here")), *choices.routes]


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"), coerce=int, choices=[("", _("Choose a day")), *OpeningHours.Weekday.choices]
    )
    opens = forms.TimeField(
        label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    closes = forms.TimeField(
        label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", gettext("The closing time must be after the opening time."))
        return cleaned


class RowsFormSet(forms.BaseFormSet):
    """A formset whose forms take the page's choices; rows left empty or deleted are not kept."""

    def __init__(self, *args, choices=None, **kwargs):
        self.choices = choices
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def get_form_kwargs(self, index):
        return {"choices": self.choices} if self.choices else {}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def kept(self):
        # An extra row left empty has no cleaned data; a shown row is kept unless removed.
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class OfferingFormSet(RowsFormSet):
    def clean(self):
        routes = [row["route"] for row in self.kept() if "route" in row]
        if len(routes) != len(set(routes)):
            raise forms.ValidationError(
                gettext("Each route once per location: merge the two rows.")
            )


def _formset(form, extra):
    return forms.formset_factory(
        form, formset=OfferingFormSet if form is OfferingForm else RowsFormSet,
        extra=extra, can_delete=True, max_num=50, validate_max=True,
    )  # fmt: skip


OfferingFormSetClass = _formset(OfferingForm, 1)
InsuranceFormSetClass = _formset(InsuranceForm, 2)
HoursFormSetClass = _formset(HoursForm, 2)


class QuickUpdateForm(forms.Form):
    """Accepting new patients and the next available appointment: live at once (17.4)."""

    accepting = forms.TypedChoiceField(
        label=_("Accepting new patients"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    next_kind = forms.ChoiceField(
        label=_("Next available appointment"),
        choices=[
            ("date", _("On the date below")),
            ("call", _("Patients should call to ask")),
            ("unknown", _("Not stated")),
        ],
        widget=forms.RadioSelect,
    )
    next_date = forms.DateField(
        label=_("Date of the next available appointment"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day a new patient can be seen."),
    )

    @classmethod
    def for_clinic(cls, clinic, data=None):
        kind = "call" if clinic.next_appointment_call else "unknown"
        if clinic.next_appointment_on and not clinic.next_appointment_call:
            kind = "date"
        initial = {
            "accepting": {True: "yes", False: "no"}.get(clinic.accepting_new_patients),
            "next_kind": kind,
            "next_date": clinic.next_appointment_on,
        }
        return cls(data, initial=initial, prefix="quick")

    def clean(self):
        cleaned = super().clean()
        kind, day = cleaned.get("next_kind"), cleaned.get("next_date")
        if kind == "date":
            today = timezone.localdate()
            if day is None:
                self.add_error("next_date", gettext("Give the date, or choose another answer."))
            elif day < today:
                self.add_error(
                    "next_date", gettext("That date has passed; give today or a later one.")
                )
            elif day > today + datetime.timedelta(days=366):
                self.add_error("next_date", gettext("Give a date within the next year."))
        return cleaned

    @property
    def next_appointment(self):
        kind = self.cleaned_data["next_kind"]
        return {"date": self.cleaned_data.get("next_date"), "call": "call"}.get(kind)
