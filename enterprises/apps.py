from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = pgettext_lazy("plural", "企业")
