from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # Bounded here: AuthenticationForm only sets the widget's maxlength, so a 100,000-character
    # username reached authenticate() and django-axes' 255-character column (a 500).
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        error_messages={"max_length": _("用户名不能超过 %(limit_value)d 个字符。")},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=4096,
        error_messages={"max_length": _("密码不能超过 %(limit_value)d 个字符。")},
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码错误。多次失败后账号将在此设备上暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }
