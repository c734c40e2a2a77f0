from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("诉求")

    def ready(self) -> None:
        from enterprises.models import UNIT_VISIBILITY_HOOKS
        from issues.deadlines import install as install_time_limits
        from issues.visibility import enterprises_of_units

        if enterprises_of_units not in UNIT_VISIBILITY_HOOKS:
            UNIT_VISIBILITY_HOOKS.append(enterprises_of_units)
        install_time_limits()
