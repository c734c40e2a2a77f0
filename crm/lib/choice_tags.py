"""Template filters on model choices: `{% load choices %}` (settings.TEMPLATES' libraries).

`{{ visit|display:"kind" }}` shows what `{{ visit.get_kind_display }}` shows, cheaply enough
for every row of a list (crm.lib.choices.choice_label)."""

from django import template

from crm.lib.choices import choice_label

register = template.Library()
register.filter("display", choice_label)
