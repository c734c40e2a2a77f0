"""Every UI string exists in both languages (issue 16).

The completeness tests read the project's own source (Python and templates, every app, including
apps added later) and the catalogues `compile_translations` compiles. When one fails, it lists
the strings to add: Chinese msgids to `locale/en/LC_MESSAGES/django.po` (or the app's own
`<app>/locale/en/...` for a new app), English msgids from libraries to
`locale/zh_Hans/LC_MESSAGES/django.po`.
"""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.utils import translation

from crm.lib.history import history_entries
from crm.lib.i18n_audit import is_chinese, source_messages, untranslated
from issues.filters import IssueFilter
from issues.models import Issue
from issues.presenters import event_details

# Names that read the same in Chinese.
UNIVERSAL = {"ID", "IP", "URL", "API", "SMS"}


@pytest.fixture(scope="module")
def messages():
    return source_messages()


def _listing(missing) -> str:
    return "\n".join(
        f"  {m.where}: {m.context + ' | ' if m.context else ''}{m.msgid}" for m in missing
    )


def test_the_extractor_finds_python_and_template_strings(messages):
    ids = {m.msgid for m in messages}
    assert "工作台" in ids  # crm/navigation.py
    assert "收到的催办与督办" in ids  # templates/workbench/_block_unit_head.html
    assert ("plural", "企业") in {m.key for m in messages}  # a context


def test_every_chinese_string_has_an_english_translation(messages):
    missing = untranslated("en", messages)
    assert not missing, "No English translation for:\n" + _listing(missing)


def test_every_english_string_of_ours_has_a_chinese_translation(messages):
    missing = untranslated("zh_Hans", messages)
    assert not missing, "No Chinese translation for:\n" + _listing(missing)


def _admin_names(model, model_admin) -> list[str]:
    names = [
        model._meta.app_config.verbose_name,
        model._meta.verbose_name,
        model._meta.verbose_name_plural,
    ]
    for name in model_admin.list_display:
        if isinstance(name, str) and name != "__str__":
            try:
                names.append(model._meta.get_field(name).verbose_name)
            except Exception:  # noqa: S112 - a method column: its label is the admin's own
                continue
    return [str(n) for n in names]


def test_the_admin_names_every_app_model_and_column_in_chinese():
    with translation.override("zh-hans"):
        english = {
            f"{model._meta.label}: {name}"
            for model, model_admin in admin.site._registry.items()
            for name in _admin_names(model, model_admin)
            if not is_chinese(name) and name not in UNIVERSAL
        }
    assert not english, "\n".join(sorted(english))


def test_the_login_protection_app_is_named_in_both_languages():
    from axes.models import AccessAttempt

    with translation.override("zh-hans"):
        assert str(AccessAttempt._meta.app_config.verbose_name) == "登录保护"
        assert str(AccessAttempt._meta.verbose_name_plural) == "登录尝试"
    with translation.override("en"):
        assert str(AccessAttempt._meta.app_config.verbose_name) == "Login protection"


@pytest.mark.parametrize(("language", "chinese"), [("zh-hans", True), ("en", False)])
def test_the_issue_list_sort_options_are_in_the_readers_language(language, chinese):
    with translation.override(language):
        labels = [str(label) for value, label in IssueFilter().form.fields["ordering"].choices]
    labels = [label for label in labels if label and label != "---------"]
    assert len(labels) == 8
    assert all(is_chinese(label) == chinese for label in labels), labels


def test_a_single_enterprise_is_not_called_enterprises():
    with translation.override("en"):
        assert translation.gettext("企业") == "Enterprise"
        assert translation.pgettext("plural", "企业") == "Enterprises"
        assert str(Issue._meta.get_field("enterprise").verbose_name) == "Enterprise"


def test_the_system_actor_is_named_in_the_readers_language(db):
    from accounts.services import system_user

    system = system_user()
    with translation.override("en"):
        assert str(system) == "System"
    with translation.override("zh-hans"):
        assert str(system) == "系统"


def test_the_automatic_dispatch_note_is_shown_in_the_readers_language():
    event = SimpleNamespace(data={"note": "按派单规则自动派单"})
    with translation.override("en"):
        assert event_details(event) == [
            ("Description", "Dispatched automatically by a routing rule")
        ]
    # A person's own note is shown as written.
    event = SimpleNamespace(data={"note": "请尽快办理"})
    with translation.override("en"):
        assert event_details(event) == [("Description", "请尽快办理")]


def test_the_change_log_names_its_entries_in_the_readers_language(world):
    enterprise = world.ent_a
    enterprise.name = "城关机械股份有限公司"
    enterprise.save()
    with translation.override("en"):
        kinds = [entry.kind for entry in history_entries(enterprise)]
    assert kinds == ["Changed", "Created"]


def test_the_chinese_catalogue_answers_every_chinese_string_itself(messages):
    """Each Chinese msgid is found in the zh-hans catalogue (compiled as its own translation),
    so a lookup never walks the libraries' empty fallback catalogues."""
    from django.utils.translation import trans_real

    catalogue = trans_real.translation("zh-hans")._catalog
    chinese = [m for m in messages if is_chinese(m.msgid) and not m.context]

    def found(msgid):  # a plural string is kept under (msgid, form)
        return catalogue.get(msgid) or catalogue.get((msgid, 0))

    missing = [m for m in chinese if found(m.msgid) != m.msgid]

    assert chinese and not missing, _listing(missing)
