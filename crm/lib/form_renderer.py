"""The project's form renderer (settings.FORM_RENDERER): Django's own widget templates, except
that a <select>, an <input>, a <textarea> and a checkbox or radio option are written in Python.

Django renders a select as a template that includes one more template per option (and one per
option's attributes): a filter form with the catalogue's categories, the units and the regions
took longer to render than the list of issues under it. An input is two templates (its type's,
which includes input.html, which includes attrs.html), a checkbox option four. The HTML written
here is that of those templates (select.html, select_option.html, input.html, attrs.html,
input_option.html, textarea.html and the types' own), character for character. (The issue
page's action forms hold a textarea each.)
"""

import html

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
INPUT = WIDGETS + "input.html"
# The input types' templates: `{% include "django/forms/widgets/input.html" %}` (and a newline,
# which the renderer strips).
INPUT_TYPES = {
    f"{WIDGETS}{name}.html"
    for name in (
        *("checkbox", "color", "date", "datetime", "email", "hidden", "number"),
        *("password", "search", "tel", "text", "time", "url"),
    )
}
# A checkbox's or a radio button's option: input_option.html (and a newline).
INPUT_OPTIONS = {WIDGETS + "checkbox_option.html", WIDGETS + "radio_option.html"}
TEXTAREA = WIDGETS + "textarea.html"


def _escape(text) -> str:
    """Django's conditional_escape, without the wrappers for lazy arguments that cost more
    than the escaping (this runs for every option of every select)."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`, autoescaped: the filter keeps a safe string safe."""
    text = "%s" % value  # noqa: UP031 - what the filter does
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_escape(name)}")
        if value is not True:
            out.append(f'="{_stringformat(value)}"')
    return "".join(out)


def select_start(name: str, attrs: dict) -> str:
    return f'<select name="{_escape(name)}"{_attrs(attrs)}>'


def option(value, label, attrs: dict) -> str:
    """select_option.html (which ends with a newline, which the select keeps)."""
    return f'\n  <option value="{_stringformat(value)}"{_attrs(attrs)}>{_escape(label)}</option>\n'


SELECT_END = "\n</select>"


def _select(widget: dict) -> str:
    out = [select_start(widget["name"], widget["attrs"])]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_escape(group_name)}">')
        out.extend(option(o["value"], o["label"], o["attrs"]) for o in group_choices)
        if group_name:
            out.append("\n  </optgroup>")
    out.append(SELECT_END)
    return "".join(out)


def _input(widget: dict) -> str:
    """input.html (which ends with a newline)."""
    value = "" if widget["value"] is None else f' value="{_stringformat(widget["value"])}"'
    kind, name = _escape(widget["type"]), _escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>\n'


def _input_option(widget: dict) -> str:
    """input_option.html: the input, in its label when `wrap_label`."""
    if not widget["wrap_label"]:
        return _input(widget)
    element_id = widget["attrs"].get("id")
    label_for = f' for="{_escape(element_id)}"' if element_id else ""
    return f"<label{label_for}>{_input(widget)} {_escape(widget['label'])}</label>\n"


def _textarea(widget: dict) -> str | None:
    """textarea.html; None (the template, then) for a value that is not text, which the
    template would localize."""
    value = widget["value"]
    if value is not None and not isinstance(value, str):
        return None
    text = _escape(value) if value else ""
    return (
        f'<textarea name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'
    )


class FormRenderer(DjangoTemplates):
    """DjangoTemplates, with selects (whose options use Django's own option template), inputs,
    textareas and checkbox or radio options written in Python."""

    def render(self, template_name, context, request=None):
        written = None
        if template_name == SELECT:
            widget = context["widget"]
            if all(
                option["template_name"] == OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            ):
                written = _select(widget)
        elif template_name == INPUT or template_name in INPUT_TYPES:
            written = _input(context["widget"])
        elif template_name in INPUT_OPTIONS:
            written = _input_option(context["widget"])
        elif template_name == TEXTAREA:
            written = _textarea(context["widget"])
        if written is None:  # any other template: a form's, its errors', other widgets'
            return super().render(template_name, context, request)
        # Stripped as Django's renderers strip what a template wrote; every part escaped above.
        return mark_safe(written.strip())  # noqa: S308
