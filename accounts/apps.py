import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    default = True  # this module also holds AxesConfig
    verbose_name = _("人员与辖区")


class AxesConfig(axes.apps.AppConfig):
    """django-axes under a Chinese name in the admin (the library names its app "Axes")."""

    verbose_name = _("登录保护")
