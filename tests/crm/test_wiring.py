"""How the apps plug into each other is declared, never appended to a global list at start-up
(`AppConfig.ready()`): a reader finds it in crm/settings.py (QINQING_ENTERPRISE_PAGE_SECTIONS,
QINQING_UNIT_ENTERPRISE_VISIBILITY) and in issues/services/core.py (ON_EVENT)."""

import ast
from pathlib import Path

from crm.lib.plugins import plugins

ROOT = Path(__file__).resolve().parents[2]
MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault", "__setitem__"}


def test_no_app_config_ready_mutates_a_global_list():
    offenders = []
    for path in sorted(ROOT.glob("*/apps.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.FunctionDef) and node.name == "ready"):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in MUTATORS
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert offenders == []


def test_the_declared_plug_ins_resolve():
    from issues.enterprise_section import issues_section
    from issues.visibility import enterprises_of_units
    from visits.sections import visit_section

    assert plugins("QINQING_ENTERPRISE_PAGE_SECTIONS")[:2] == (visit_section, issues_section)
    assert enterprises_of_units in plugins("QINQING_UNIT_ENTERPRISE_VISIBILITY")
