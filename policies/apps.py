from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("政策直达")

    def ready(self) -> None:
        from wagtail.signals import page_published

        from policies.models import PolicyPage
        from policies.signals import policy_published

        page_published.connect(
            policy_published, sender=PolicyPage, dispatch_uid="policies.policy_published"
        )
