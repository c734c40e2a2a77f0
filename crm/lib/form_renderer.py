"""The project's form renderer (settings.FORM_RENDERER): Django's own widget templates, except
that a <select> is written in Python.

Django renders a select as a template that includes one more template per option (and one per
option's attributes): a filter form with the catalogue's categories, the units and the regions
took longer to render than the list of issues under it. The HTML written here is that of
django/forms/widgets/select.html, select_option.html and attrs.html, character for character.
"""

import html

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _escape(text) -> str:
    """Django's conditional_escape, without the wrappers for lazy arguments that cost more
    than the escaping (this runs for every option of every select)."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_escape(name)}")
        if value is not True:
            out.append(f'="{html.escape("%s" % value)}"')  # noqa: UP031 - stringformat:'s'
    return "".join(out)


def select_start(name: str, attrs: dict) -> str:
    return f'<select name="{_escape(name)}"{_attrs(attrs)}>'


def option(value, label, attrs: dict) -> str:
    """select_option.html (which ends with a newline, which the select keeps)."""
    value = html.escape("%s" % value)  # noqa: UP031 - the template's stringformat:'s'
    return f'\n  <option value="{value}"{_attrs(attrs)}>{_escape(label)}</option>\n'


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


class FormRenderer(DjangoTemplates):
    """DjangoTemplates, with selects (whose options use Django's own option template) written
    in Python."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT and all(
            option["template_name"] == OPTION
            for _name, options, _index in context["widget"]["optgroups"]
            for option in options
        ):
            return mark_safe(_select(context["widget"]))  # noqa: S308 - every part escaped above
        return super().render(template_name, context, request)
