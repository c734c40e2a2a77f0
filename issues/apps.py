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
        # The issues section of the enterprise page (when the enterprises app offers it).
        from issues.enterprise_section import register as register_enterprise_section

        register_enterprise_section()
