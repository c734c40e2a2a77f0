from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("走访")

    def ready(self):
        from enterprises.sections import ENTERPRISE_PAGE_SECTIONS
        from visits.sections import visit_section

        if visit_section not in ENTERPRISE_PAGE_SECTIONS:
            ENTERPRISE_PAGE_SECTIONS.append(visit_section)
