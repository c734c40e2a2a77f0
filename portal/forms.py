"""Forms of the portal, in plain words. Validation here; the services act."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from issues.forms import MultipleFileField, MultipleFileInput
from issues.workflow import Satisfaction

PHOTO_ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx"


def _files(label):
    return MultipleFileField(
        label=label,
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": PHOTO_ACCEPT}),
        help_text=_("可拍照或选择照片、PDF、Word、Excel 文件，每个不超过 20MB。"),
    )


def _text(label, *, required=True, rows=3, max_length=2000, placeholder=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(
            attrs={"rows": rows, "class": "form-control", "placeholder": placeholder}
        ),
    )


class FileRequestForm(forms.Form):
    enterprise = forms.TypedChoiceField(label=_("以哪家企业的名义提交"), coerce=int)
    category = forms.TypedChoiceField(label=_("您要办的事属于哪一类"), coerce=int)
    description = _text(
        _("遇到了什么问题，需要什么帮助"),
        rows=5,
        max_length=4000,
        placeholder=_("例如：新厂房已建成，申请施工许可时不清楚需要哪些材料。"),
    )
    photos = _files(_("照片或材料（可选）"))
    bancheng = forms.BooleanField(
        label=_("我在政务大厅窗口办理过，但没办成（“办不成事”反映）"),
        required=False,
        help_text=_(
            "如果您已经在办事窗口办过这件事却没有办成，请勾选。这类诉求不走普通分派，"
            "直接交给区领导小组办公室督办，并从一开始就列入督办。"
        ),
    )

    def __init__(self, *args, enterprises, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]
        if len(enterprises) == 1:
            self.fields["enterprise"].initial = enterprises[0].pk
            self.fields["enterprise"].widget = forms.HiddenInput()
        else:
            self.fields["enterprise"].widget.attrs["class"] = "form-select"
        groups = [("", _("请选择"))]
        for top, leaves in categories:
            groups.append((top.name, [(leaf.pk, _leaf_label(top, leaf)) for leaf in leaves]))
        self.fields["category"].choices = groups
        # Choosing a category (an enterprise, 办不成事) shows what to expect before submitting.
        preview = {
            "hx-get": reverse_lazy("portal:expectation"),
            "hx-trigger": "change",
            "hx-target": "#expectation",
            "hx-swap": "outerHTML",
            "hx-include": "[name=category],[name=enterprise],[name=bancheng]",
        }
        self.fields["category"].widget.attrs.update({"class": "form-select", **preview})
        self.fields["bancheng"].widget.attrs.update({"class": "form-check-input", **preview})
        if len(enterprises) > 1:
            self.fields["enterprise"].widget.attrs.update(preview)


def _leaf_label(top, leaf) -> str:
    if leaf.pk == top.pk:
        return leaf.name
    if leaf.description:
        return f"{leaf.name}（{leaf.description}）"
    return leaf.name


class AnswerForm(forms.Form):
    text = _text(_("您的答复"), max_length=4000)
    files = _files(_("补充材料（可选）"))


class CommentForm(forms.Form):
    text = _text(_("留言（办理部门可以看到）"), rows=2, max_length=4000)
    files = _files(_("附件（可选）"))


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果满意吗"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = _text(_("说说您的看法（不满意时必填）"), required=False, rows=2)

    def clean(self):
        data = super().clean()
        if data.get("satisfaction") == Satisfaction.DISSATISFIED and not data.get("comment"):
            self.add_error("comment", _("选择不满意时，请写明哪里没有解决，我们会重新办理。"))
        return data


class ReopenForm(forms.Form):
    reason = _text(_("哪里还没有解决"), rows=2)


class WithdrawForm(forms.Form):
    reason = _text(_("撤回原因（可选）"), required=False, rows=2, max_length=1000)


# The portal's actions: the workflow action each maps to, and its form.
PORTAL_ACTIONS = {
    "answer": AnswerForm,
    "comment": CommentForm,
    "revisit": RateForm,
    "reopen": ReopenForm,
    "withdraw": WithdrawForm,
}


class InviteForm(forms.Form):
    name = forms.CharField(label=_("联系人姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    send_sms = forms.BooleanField(label=_("同时发送短信"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "send_sms" else "form-control"
            field.widget.attrs["class"] = css


class AcceptForm(forms.Form):
    """Set a password (and, for a new account, a name and a login name)."""

    display_name = forms.CharField(label=_("您的姓名"), max_length=50, required=False)
    username = forms.CharField(
        label=_("登录名（可不填，默认用手机号登录）"), max_length=150, required=False
    )
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，包含字母和数字，不要用生日或简单数字。"),
    )
    password2 = forms.CharField(
        label=_("再输入一次密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, new_account: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not new_account:
            del self.fields["display_name"]
            del self.fields["username"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data
