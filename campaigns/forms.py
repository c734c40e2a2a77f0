"""The campaign form: title, owner unit, deadline and the target list — the enterprise list's
current filters, or credit codes typed in or uploaded (.txt, .csv or .xlsx)."""

from __future__ import annotations

import io

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook

from accounts.models import Unit
from campaigns.models import CampaignTarget
from campaigns.selectors import credit_codes_in, enterprises_for_codes
from enterprises.selectors import enterprise_list

MAX_UPLOAD = 2 * 1024 * 1024


def _text_of(upload) -> str:
    name = upload.name.lower()
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError(_("文件不能超过 2MB。"))
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = book.get_sheet_by_index(0).to_python()
        except Exception as exc:  # any unreadable workbook
            raise forms.ValidationError(_("无法读取该 Excel 文件。")) from exc
        return "\n".join(" ".join(str(c) for c in row) for row in rows)
    if name.endswith((".txt", ".csv")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("无法识别文件编码。"))
    raise forms.ValidationError(_("只支持 .xlsx、.csv 或 .txt 文件。"))


class CampaignForm(forms.Form):
    SOURCE_FILTER = "filter"
    SOURCE_CODES = "codes"

    title = forms.CharField(label=_("行动名称"), max_length=200)
    description = forms.CharField(
        label=_("工作要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner_unit = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Unit.objects.filter(is_active=True)
    )
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(
        label=_("企业范围"),
        choices=[
            (SOURCE_FILTER, _("企业名录当前筛选结果")),
            (SOURCE_CODES, _("统一社会信用代码清单")),
        ],
        widget=forms.RadioSelect,
        initial=SOURCE_CODES,
    )
    filter_query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)
    codes = forms.CharField(
        label=_("信用代码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("每行一个统一社会信用代码")}),
    )
    codes_file = forms.FileField(
        label=_("或上传清单"),
        required=False,
        help_text=_(".xlsx / .csv / .txt，读取其中所有信用代码"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("完成时限不能早于今天。"))
        return value

    def filtered_ids(self, query: str) -> list[int]:
        filterset = enterprise_list(user=self.user, filters=QueryDict(query))
        if not filterset.is_valid():
            return []
        return list(filterset.qs.filter(status="active").values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["source"] == self.SOURCE_FILTER:
            ids = self.filtered_ids(data.get("filter_query", ""))
            if not ids:
                raise forms.ValidationError(_("企业名录的筛选结果为空，请先在企业名录中筛选。"))
        else:
            text = data.get("codes", "")
            if data.get("codes_file"):
                text += "\n" + _text_of(data["codes_file"])
            codes = credit_codes_in(text)
            if not codes:
                raise forms.ValidationError(_("没有读到统一社会信用代码。"))
            ids, unknown = enterprises_for_codes(user=self.user, codes=codes)
            if unknown:
                raise forms.ValidationError(
                    _("以下信用代码不是您辖区内的存续企业：%(codes)s")
                    % {"codes": "、".join(unknown[:20]) + ("…" if len(unknown) > 20 else "")}
                )
        data["enterprise_ids"] = ids
        return data


class TargetUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=CampaignTarget.Status.choices)
    note = forms.CharField(required=False, max_length=200)
