from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("企业门户")

    def ready(self) -> None:
        # The "企业账号" section of the staff enterprise page (invitations and bindings).
        from enterprises.sections import ENTERPRISE_PAGE_SECTIONS
        from portal.sections import accounts_section

        if accounts_section not in ENTERPRISE_PAGE_SECTIONS:
            ENTERPRISE_PAGE_SECTIONS.append(accounts_section)
