"""Phone numbers, said one way (issue 18.2): read, stored, shown and dialled with extensions.

A listing stores two fields: `phone`, the number in international form (`+1 307-686-0669`),
and `phone_extension`, digits only (`1001`). People write `307-686-0669 x1001`,
`ext. 1001`, `ext 1001`, `#1001` or `,1001`; `parse_phone` reads all of them. A number is
shown as `(307) 686-0669 ext. 1001` (US numbers in their national form) and dialled with
`tel:+13076860669,1001`: the comma is a pause, after which phones dial the extension.
The import, the public forms, the admin, the pages and the open data all use this module.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EXTENSION_MAX_DIGITS = 8
extension_validator = RegexValidator(
    rf"^\d{{1,{EXTENSION_MAX_DIGITS}}}$", gettext_lazy("An extension is digits only, such as 1001.")
)

US_PHONE_RE = re.compile(r"^(?:\+?1[\s.-]*)?\(?([2-9]\d\d)\)?[\s.-]*([2-9]\d\d)[\s.-]*(\d{4})$")


class PhoneProblem(ValueError):
    """Text that is not a phone number; the message says how to write one."""


@dataclass(frozen=True)
class PhoneNumber:
    """A stored number and its extension; falsy when there is no number."""

    number: str
    extension: str = ""

    def __bool__(self):
        return bool(self.number)

    def __str__(self):
        """ "(307) 686-0669 ext. 1001"; a number that cannot be read is shown as stored."""
        if not self.number:
            return ""
        parsed = _parsed(self.number)
        if parsed is None:
            shown = self.number
        elif parsed.country_code == 1:
            shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        else:
            shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return f"{shown} ext. {self.extension}" if self.extension else shown

    @property
    def e164(self):
        """ "+13076860669" (the digits of a number that cannot be read, if not)."""
        parsed = _parsed(self.number)
        if parsed is None:
            return re.sub(r"[^\d+]", "", self.number)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @property
    def tel(self):
        """ "tel:+13076860669,1001": dials the number, pauses, dials the extension."""
        if not self.number:
            return ""
        return f"tel:{self.e164}" + (f",{self.extension}" if self.extension else "")

    @property
    def number_only(self):
        """The number as shown, without its extension (for text messages)."""
        return str(PhoneNumber(self.number))

    @property
    def sms(self):
        return f"sms:{self.e164}" if self.number else ""

    def with_extension(self):
        """The number as one cell of text: "+1 307-686-0669 ext. 1001" (reads back the same)."""
        return f"{self.number} ext. {self.extension}" if self.extension else self.number


@lru_cache(maxsize=4096)
def _parsed(number):
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return None
    parsed.extension = None
    return parsed


@lru_cache(maxsize=65536)
def _us_exchange_is_valid(area, exchange):
    number = phonenumbers.parse(f"+1{area}{exchange}0100")
    return phonenumbers.is_valid_number(number)


@lru_cache(maxsize=65536)
def parse_phone(value):
    """The PhoneNumber written in `value` (blank: a falsy one); PhoneProblem if it is none."""
    text = " ".join(str(value or "").split())
    if not text:
        return PhoneNumber("")
    if match := US_PHONE_RE.match(text):
        # Fast path for the usual US forms; validity depends on area code and exchange only.
        area, exchange, line = match.groups()
        if _us_exchange_is_valid(area, exchange):
            return PhoneNumber(f"+1 {area}-{exchange}-{line}")
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise PhoneProblem(
            _("%(value)s is not a phone number; write it as (503) 555-0101")
            % {"value": repr(value)}
        )
    extension = number.extension or ""
    if extension and (not extension.isdigit() or len(extension) > EXTENSION_MAX_DIGITS):
        raise PhoneProblem(
            _("%(value)s: the extension %(extension)s is not 1 to %(limit)s digits")
            % {"value": repr(value), "extension": repr(extension), "limit": EXTENSION_MAX_DIGITS}
        )
    number.extension = None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return PhoneNumber(formatted, extension)
