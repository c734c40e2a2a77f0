"""The project's form renderer (settings.FORM_RENDERER): Django's own widget templates, except
that a <select> is written in Python.

Django renders a select as a template that includes one more template per option (and one per
option's attributes): a filter form with the catalogue's categories, the units and the regions
took longer to render than the list of issues under it. The HTML written here is that of
django/forms/widgets/select.html, select_option.html and attrs.html, character for character.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{escape("%s" % value)}"')  # noqa: UP031 - the template's stringformat:'s'
    return "".join(out)


def _select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            value = escape("%s" % option["value"])  # noqa: UP031 - stringformat:'s'
            label = conditional_escape(option["label"])
            # select_option.html ends with a newline, which the select keeps.
            out.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
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
