"""The list filters read their model choices as columns (crm.lib.choices): the same options,
labelled as the models label themselves, as ModelChoiceField would give."""

import re

import pytest

from accounts.models import Region, Unit, User
from issues.filters import IssueFilter
from issues.models import Category, Issue
from visits.filters import VisitFilter
from visits.models import Visit

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]*)</option>')


def options(form, name) -> list[tuple[int, str]]:
    return [(int(pk), label) for pk, label in OPTION.findall(str(form[name]))]


def test_the_issue_filter_offers_each_choice_with_the_models_own_label(world):
    parent = Category.objects.create(code="t1", name="用工")
    Category.objects.create(code="t1.1", name="招聘", parent=parent)
    form = IssueFilter({}, queryset=Issue.objects.none(), user=world.dispatcher).form

    categories = options(form, "category")
    units = options(form, "unit")
    regions = options(form, "region")

    assert categories == [(c.pk, str(c)) for c in form.fields["category"].queryset]
    assert (parent.pk, "用工") in categories and any(" / 招聘" in label for _, label in categories)
    assert units == [(u.pk, str(u)) for u in form.fields["unit"].queryset]
    assert units and all(isinstance(u, Unit) for u in form.fields["unit"].queryset)
    assert regions == [(r.pk, str(r)) for r in form.fields["region"].queryset]
    assert regions and all(isinstance(r, Region) for r in form.fields["region"].queryset)


def test_the_visit_filter_offers_officers_and_indented_regions(world):
    form = VisitFilter({}, queryset=Visit.objects.none(), user=world.dispatcher).form

    officers = options(form, "officer")
    regions = options(form, "region")

    assert officers == [(u.pk, str(u)) for u in form.fields["officer"].queryset]
    assert (world.liaison.pk, str(world.liaison)) in officers
    assert all(isinstance(u, User) for u in form.fields["officer"].queryset)
    assert regions == [
        (r.pk, "　" * (r.depth - 1) + r.name) for r in form.fields["region"].queryset
    ]


def test_a_chosen_value_is_selected_and_filters(world):
    form = IssueFilter(
        {"unit": str(world.line_unit.pk)}, queryset=Issue.objects.none(), user=world.dispatcher
    ).form

    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == world.line_unit
    assert f'<option value="{world.line_unit.pk}" selected>' in str(form["unit"])


def test_the_enterprise_filter_offers_people_industries_and_regions_as_labelled(world):
    from enterprises.filters import EnterpriseFilter
    from enterprises.models import Enterprise

    form = EnterpriseFilter({}, queryset=Enterprise.objects.none(), user=world.dispatcher).form

    for name in ("liaison", "leader", "industry", "region"):
        assert options(form, name) == [(o.pk, str(o)) for o in form.fields[name].queryset], name
    assert (world.liaison.pk, str(world.liaison)) in options(form, "liaison")
    assert options(form, "industry")


@pytest.mark.parametrize("chosen", [None, "", "first", "last", "not-a-number"])
def test_a_column_select_is_written_as_djangos_own_select_writes_it(world, chosen):
    from django import forms
    from django.forms.renderers import DjangoTemplates

    Category.objects.create(code="t2", name='<用工 & "招聘">')
    form = IssueFilter({}, queryset=Issue.objects.none(), user=world.dispatcher).form
    for name in ("category", "unit", "region"):
        widget = form.fields[name].widget
        pks = [pk for pk, _label in options(form, name)]
        value = {"first": pks[0], "last": str(pks[-1])}.get(chosen, chosen)
        djangos = forms.Select(attrs=widget.attrs, choices=list(widget.choices))

        ours = widget.render(name, value, attrs={"id": f"id_{name}"})
        theirs = djangos.render(name, value, attrs={"id": f"id_{name}"}, renderer=DjangoTemplates())

        assert ours == theirs, name
    assert "&lt;用工 &amp; &quot;招聘&quot;&gt;" in str(form["category"])


def test_display_shows_what_get_display_shows():
    from django.template import Context, Template

    from crm.lib.choices import choice_label
    from enterprises.models import Enterprise

    cases = [
        (Issue, "state", [*Issue._meta.get_field("state").flatchoices, ("bogus", None)]),
        (Visit, "kind", [*Visit.Kind.choices, ("", None)]),
        (Visit, "status", Visit.Status.choices),
        (Enterprise, "scale", [*Enterprise.Scale.choices, ("", None)]),
    ]
    for model, field, choices in cases:
        for value, _label in choices:
            instance = model(**{field: value})
            shown = getattr(instance, f"get_{field}_display")()
            assert choice_label(instance, field) == shown, (model, value)
    template = Template('{% load choices %}{{ visit|display:"kind" }}')
    visit = Visit(kind=Visit.Kind.PHONE)
    assert template.render(Context({"visit": visit})) == visit.get_kind_display()


def test_the_cockpit_filter_offers_its_choices_as_the_models_label_them(world):
    from cockpit.forms import CockpitFilterForm
    from cockpit.selectors import jurisdiction

    form = CockpitFilterForm(
        {"unit": str(world.line_unit.pk)}, paths=jurisdiction(world.dispatcher)
    )

    assert form.is_valid(), form.errors
    for name in ("industry", "category", "unit", "liaison"):
        assert options(form, name) == [(o.pk, str(o)) for o in form.fields[name].queryset], name
    assert options(form, "unit") and options(form, "liaison")
    assert options(form, "region") == [
        (r.pk, "　" * (r.depth - 1) + r.name) for r in form.fields["region"].queryset
    ]
    assert f'<option value="{world.line_unit.pk}" selected>' in str(form["unit"])
