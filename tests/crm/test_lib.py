from io import BytesIO

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from openpyxl import load_workbook

from accounts.models import Unit
from crm.lib.form_renderer import FormRenderer
from crm.lib.history import history_entries
from crm.lib.masking import mask_phone
from crm.lib.pagination import CappedPaginator
from crm.lib.params import MAX_ID, parse_id
from crm.lib.xlsx import build_workbook, safe_cell, xlsx_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+86", "'+86"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("正常文本", "正常文本"),
        (12, 12),
        (None, ""),
        (True, "是"),
    ],
)
def test_cells_that_look_like_formulas_are_neutralised(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (42, 42),  # a URL's <int:pk>
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 100_000, None),  # beyond Python's 4,300-digit conversion limit
        (MAX_ID + 1, None),
        ("0", None),
        (0, None),
        ("-1", None),
        ("١٢", None),  # Arabic-Indic digits pass str.isdigit
        ("1e3", None),
        (True, None),
        (None, None),
    ],
)
def test_an_id_parameter_is_a_positive_64_bit_integer_or_none(text, expected):
    assert parse_id(text) == expected


def test_workbook_has_a_header_and_the_rows():
    content = build_workbook(title="企业", headers=["名称", "备注"], rows=[["甲", "=1+1"]])
    ws = load_workbook(BytesIO(content)).active
    assert [c.value for c in ws[1]] == ["名称", "备注"]
    assert [c.value for c in ws[2]] == ["甲", "'=1+1"]


def test_download_keeps_the_chinese_file_name():
    response = xlsx_response(b"x", "企业台账.xlsx")
    assert "filename*=UTF-8''%E4%BC%81" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("0712-8765432", "071****5432"), ("", ""), ("12", "**")],
)
def test_phone_numbers_are_masked(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.django_db
def test_history_shows_who_changed_which_field(world, django_assert_max_num_queries):
    unit = Unit.objects.get(pk=world.line_unit.pk)
    unit.short_name = "人社"
    unit._history_user = world.admin
    unit.save()
    with django_assert_max_num_queries(2):
        entries = history_entries(unit)
    assert entries[0].who == "管理员"
    assert entries[0].kind == "修改"
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [("简称", "—", "人社")]
    assert entries[1].kind == "创建"


def test_a_capped_count_stops_past_the_cap_and_says_so(world, django_assert_num_queries):
    units = Unit.objects.order_by("pk")
    total = units.count()
    exact = CappedPaginator(units, 2, cap=total)
    with django_assert_num_queries(1):
        assert (exact.count, exact.capped, exact.count_label) == (total, False, str(total))
    capped = CappedPaginator(units, 2, cap=total - 2)
    assert (capped.count, capped.capped, capped.count_label) == (total - 1, True, f"{total - 2}+")


SELECT = forms.Select(
    attrs={"class": "form-select", "data-x": 'a"<b>', "required": True, "disabled": False},
    choices=[("", "全部"), ("a&b", "<甲>"), (3, "丙")],
)
MULTIPLE = forms.SelectMultiple(choices=[("x", "一"), ("y", "二"), ("z", "三")])
GROUPED = forms.Select(
    choices=[("组一", [(1, "甲"), (2, "乙")]), ("组<二>", [(3, "丙")]), (4, "丁")]
)


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (SELECT, None),
        (SELECT, "a&b"),
        (SELECT, 3),
        (MULTIPLE, ["x", "z"]),
        (MULTIPLE, None),
        (GROUPED, 2),
        (GROUPED, "4"),
        (forms.NullBooleanSelect(), "true"),
        (forms.NullBooleanSelect(), None),
    ],
)
def test_selects_are_written_as_djangos_own_templates_write_them(widget, value):
    ours = widget.render("f", value, attrs={"id": "id_f"}, renderer=FormRenderer())
    django = widget.render("f", value, attrs={"id": "id_f"}, renderer=DjangoTemplates())
    assert ours == django


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.TextInput(attrs={"class": "form-control", "placeholder": '名称"<&>'}), None),
        (forms.TextInput(), 'a"<b>&'),
        (forms.TextInput(), ""),
        (forms.NumberInput(attrs={"min": 0, "max": 9, "required": True}), 3),
        (forms.DateInput(attrs={"type": "date"}), "2026-12-07"),
        (forms.HiddenInput(), 42),
        (forms.EmailInput(attrs={"disabled": False}), "a@b.cn"),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.CheckboxSelectMultiple(choices=[(1, "甲"), (2, "<乙>")]), [2]),
        (forms.RadioSelect(choices=[("x", "一"), ("y", "二")]), "y"),
        (forms.Textarea(attrs={"rows": 3, "class": "form-control"}), None),
        (forms.Textarea(), ""),
        (forms.Textarea(attrs={"required": True}), '第一行<b>&"\n第二行'),
        (forms.Textarea(), 42),
    ],
)
def test_inputs_are_written_as_djangos_own_templates_write_them(widget, value):
    ours = widget.render("f", value, attrs={"id": "id_f"}, renderer=FormRenderer())
    django = widget.render("f", value, attrs={"id": "id_f"}, renderer=DjangoTemplates())
    assert ours == django


def test_a_checkbox_option_alone_is_written_as_djangos_own_templates_write_it():
    class Form(forms.Form):
        tags = forms.MultipleChoiceField(
            choices=[("1", "甲"), ("2", "<乙>")], widget=forms.CheckboxSelectMultiple
        )

    def written_by(renderer):
        form = Form({"tags": ["2"]}, renderer=renderer)
        return [(str(option.tag()), str(option)) for option in form["tags"]]

    assert written_by(FormRenderer()) == written_by(DjangoTemplates())


def test_a_pk_url_is_what_reverse_gives_under_any_script_prefix():
    from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

    from crm.lib.urls import pk_url

    for name in ("issues:detail", "visits:detail", "enterprises:detail"):
        for pk in (1, 42, 987_654_321, 2**63 - 1):
            assert pk_url(name, pk) == reverse(name, kwargs={"pk": pk})
    before = get_script_prefix()
    set_script_prefix("/qq987654321/")
    try:
        assert pk_url("issues:detail", 7) == reverse("issues:detail", kwargs={"pk": 7})
        assert pk_url("issues:detail", 7) == "/qq987654321/issues/7/"
    finally:
        set_script_prefix(before)
    assert pk_url("issues:detail", 7) == "/issues/7/"
    with pytest.raises(NoReverseMatch):
        pk_url("issues:detail", None)


def test_a_plain_url_is_what_reverse_gives_under_any_script_prefix():
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from crm.lib.urls import plain_url

    for name in ("home", "issues:list", "visits:list", "notifications:inbox"):
        assert plain_url(name) == reverse(name)
    before = get_script_prefix()
    set_script_prefix("/qq987654321/")
    try:
        assert plain_url("issues:list") == reverse("issues:list") == "/qq987654321/issues/list/"
    finally:
        set_script_prefix(before)
    assert plain_url("issues:list") == "/issues/list/"


def test_a_whole_form_with_its_errors_is_written_as_djangos_own_templates_write_it():
    class Form(forms.Form):
        name = forms.CharField(label="名称", max_length=3)
        kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "<乙>")])
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        tags = forms.MultipleChoiceField(
            choices=[("1", "一"), ("2", "二")], widget=forms.CheckboxSelectMultiple
        )
        note = forms.CharField(widget=forms.Textarea, required=False)

    data = {"name": "<太长了>", "kind": "c", "day": "x", "tags": ["2"]}
    for form in (Form(), Form(data)):
        ours = Form(form.data or None, renderer=FormRenderer())
        django = Form(form.data or None, renderer=DjangoTemplates())
        assert ours.as_div() == django.as_div()
        assert str(ours.errors) == str(django.errors)
