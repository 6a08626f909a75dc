"""POST data built from forms as a page showed them, for the admin and moderation tests."""

from html.parser import HTMLParser


def management_form(prefix, *, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_data(form):
    """POST data that sends a form back as it was shown (booleans as checkboxes)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def admin_change_data(response):
    """The POST data of an admin change page as rendered, inlines included."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data


class _FormReader(HTMLParser):
    """The controls of one form of a page, with the values a browser would send."""

    def __init__(self, action):
        super().__init__()
        self.action, self.data = action, []
        self.inside, self.select, self.textarea = False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            self._input(name, attrs)
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = name
            self.data.append((name, ""))

    def _input(self, name, attrs):
        kind = attrs.get("type", "text")
        if kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self.data.append((name, attrs.get("value", "on")))
        elif kind not in ("submit", "button"):
            self.data.append((name, attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "textarea" and self.data and self.data[-1][0] == self.textarea:
            name, value = self.data[-1]  # a browser drops the newline after <textarea>
            self.data[-1] = (name, value.removeprefix("\n"))
            self.textarea = None
        elif tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None

    def handle_data(self, text):
        if self.textarea and self.data and self.data[-1][0] == self.textarea:
            name, value = self.data[-1]
            self.data[-1] = (name, value + text)


def page_form_data(html, action):
    """What a browser would send for the form posting to `action` on a page, untouched:
    checked boxes and radios, selected options, text and hidden inputs, textareas."""
    reader = _FormReader(action)
    reader.feed(html)
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data
