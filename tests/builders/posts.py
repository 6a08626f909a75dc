"""POST data built from forms as a page showed them, for the admin and moderation tests."""


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
