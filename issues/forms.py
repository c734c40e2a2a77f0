"""Forms of the issue pages. Each action form's cleaned_data is exactly the keyword arguments the
engine's `issue_transition` takes for that action, so the action view stays generic."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.lib.files import validate_upload
from crm.lib.params import parse_id

MAX_ATTACHMENTS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is validated by content (crm.lib.files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("一次最多上传 %(n)s 个附件。"), params={"n": MAX_ATTACHMENTS}, code="too_many"
            )
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for f in cleaned:
            try:
                validate_upload(f)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields in a loop."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "form-control")
                widget.attrs.setdefault("rows", 3)
            elif not isinstance(widget, forms.ClearableFileInput):
                widget.attrs.setdefault("class", "form-control")


# --- Action forms: one per workflow action (issues.workflow.ACTIONS) -----------------------------


class ActionForm(BootstrapMixin, forms.Form):
    """Base of the action forms. `user` and `issue` let forms limit their choices (units the
    dispatcher may see, handlers of the lead unit)."""

    def __init__(self, *args, user=None, issue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.issue = issue
        self.setup()
        self._style()

    def setup(self):
        pass

    def transition_data(self) -> dict:
        """The keyword arguments for `issue_transition`; empty optional values are left out."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


def _text(label, *, required=True, rows=3, max_length=2000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class _UnitsMixin:
    def _limit_units(self):
        """Units the dispatcher may see that may also handle this enterprise's issue."""
        from accounts.selectors import unit_list_for
        from issues.selectors import issue_unit_choices

        visible = unit_list_for(user=self.user).values("pk")
        units = issue_unit_choices(issue=self.issue).filter(pk__in=visible)
        if "lead_unit" in self.fields:
            self.fields["lead_unit"].queryset = units
        if "supporting_units" in self.fields:
            self.fields["supporting_units"].queryset = units
            self.fields["supporting_units"].widget.attrs["size"] = 4

    def clean(self):
        data = super().clean()
        lead, supporting = data.get("lead_unit"), data.get("supporting_units")
        if lead is not None and supporting and lead in supporting:
            self.add_error("supporting_units", _("主办单位不能同时作为协办单位。"))
        return data


class DispatchForm(_UnitsMixin, ActionForm):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=None, required=False
    )
    note = _text(_("派单说明"), required=False, rows=2)

    def setup(self):
        self._limit_units()


class RuleReturnForm(_UnitsMixin, ActionForm):
    RULINGS = [("redispatch", _("改派其他单位")), ("reject", _("驳回退回，原单位继续办理"))]
    ruling = forms.ChoiceField(label=_("裁定"), choices=RULINGS, widget=forms.RadioSelect)
    lead_unit = forms.ModelChoiceField(label=_("改派主办单位"), queryset=None, required=False)
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=None, required=False
    )
    reason = _text(_("裁定说明"), required=False, rows=2)

    def setup(self):
        self._limit_units()

    def clean(self):
        data = super().clean()
        if data.get("ruling") == "redispatch" and not data.get("lead_unit"):
            self.add_error("lead_unit", _("改派时请选择新的主办单位。"))
        return data


class NoInputForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = _text(_("理由"))


class OptionalReasonForm(ActionForm):
    reason = _text(_("理由"), required=False, rows=2)


class QuestionForm(ActionForm):
    question = _text(_("需企业补充的内容"))


class TextForm(ActionForm):
    text = _text(_("内容"))


class CommentForm(ActionForm):
    VISIBILITY = [("internal", _("内部（仅工作人员可见）")), ("public", _("公开（企业可见）"))]
    text = _text(_("留言内容"))
    visibility = forms.ChoiceField(label=_("可见范围"), choices=VISIBILITY, initial="internal")

    def setup(self):
        from accounts.scope import scope_for

        if not scope_for(self.user).is_staff_member:
            # Enterprise users only ever write public comments.
            del self.fields["visibility"]

    def transition_data(self):
        data = super().transition_data()
        data.setdefault("visibility", "public")
        return data


class AttachForm(ActionForm):
    file = forms.FileField(
        label=_("附件"), widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )
    is_public = forms.BooleanField(label=_("企业可见"), required=False)

    def setup(self):
        from accounts.scope import scope_for

        if not scope_for(self.user).is_staff_member:
            del self.fields["is_public"]

    def clean_file(self):
        f = self.cleaned_data["file"]
        validate_upload(f)
        return f

    def transition_data(self):
        data = super().transition_data()
        if "is_public" not in self.fields:
            data["is_public"] = True
        return data


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(label=_("延期工作日数"), min_value=1, max_value=60)
    reason = _text(_("延期理由"))


class DecisionForm(ActionForm):
    DECISIONS = [("approve", _("同意")), ("deny", _("不同意"))]
    decision = forms.ChoiceField(label=_("审批意见"), choices=DECISIONS, widget=forms.RadioSelect)
    note = _text(_("说明"), required=False, rows=2)


class ResolveForm(ActionForm):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=())
    reply = _text(_("答复内容"), rows=4)
    outcome_reason = _text(_("无法办理的原因"), required=False, rows=2)
    policy_basis = forms.CharField(label=_("政策依据"), required=False, max_length=500)

    def setup(self):
        from issues.workflow import Outcome

        self.fields["outcome"].choices = Outcome.choices

    def clean(self):
        from issues.workflow import Outcome

        data = super().clean()
        if data.get("outcome") == Outcome.EXPLAINED and not data.get("outcome_reason"):
            self.add_error("outcome_reason", _("「已释因」须写明无法办理的原因。"))
        return data


class ReviewForm(ActionForm):
    DECISIONS = [("pass", _("审核通过")), ("reject", _("退回重办"))]
    decision = forms.ChoiceField(label=_("审核意见"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = _text(_("说明"), required=False, rows=2)


class RevisitForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=(), widget=forms.RadioSelect)
    comment = _text(_("回访意见"), required=False, rows=2)

    def setup(self):
        from issues.workflow import Satisfaction

        self.fields["satisfaction"].choices = Satisfaction.choices

    def clean(self):
        from issues.workflow import Satisfaction

        data = super().clean()
        if data.get("satisfaction") == Satisfaction.DISSATISFIED and not data.get("comment"):
            self.add_error("comment", _("不满意时请写明原因，以便重新办理。"))
        return data


class MergeForm(ActionForm):
    into = forms.IntegerField(label=_("合并到诉求编号"), min_value=1)
    reason = _text(_("说明"), required=False, rows=2)

    def clean_into(self):
        into = self.cleaned_data["into"]
        if self.issue is not None and into == self.issue.pk:
            raise ValidationError(_("不能合并到自身。"))
        return into


class AssignHandlerForm(ActionForm):
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=None)

    def setup(self):
        from issues.selectors import issue_handler_choices

        self.fields["handler"].queryset = issue_handler_choices(issue=self.issue)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "dispatch": DispatchForm,
    "acknowledge": NoInputForm,
    "return": ReasonForm,
    "rule_return": RuleReturnForm,
    "ask_enterprise": QuestionForm,
    "answer": TextForm,
    "comment": CommentForm,
    "attach": AttachForm,
    "progress_reply": TextForm,
    "request_extension": ExtensionRequestForm,
    "decide_extension": DecisionForm,
    "resolve": ResolveForm,
    "review": ReviewForm,
    "revisit": RevisitForm,
    "reopen": ReasonForm,
    "withdraw": OptionalReasonForm,
    "merge": MergeForm,
    "assign_handler": AssignHandlerForm,
}


def action_form(action: str, *, user, issue, data=None, files=None) -> ActionForm:
    form_class = ACTION_FORMS.get(action, NoInputForm)
    return form_class(data, files, user=user, issue=issue, prefix=action)


# --- Registering an issue ------------------------------------------------------------------------


class CategoryChoiceField(forms.ModelChoiceField):
    """A two-level select: first-level categories as option groups, their children as options
    (a first-level category without children is an option of its own)."""

    def label_from_instance(self, obj):
        return obj.name


def category_choices(categories) -> list:
    """Leaf categories grouped under their first level, both in catalogue order."""
    groups: dict = {}
    for cat in categories:
        parent = cat.parent if cat.parent_id else cat
        groups.setdefault(parent.pk, (parent, []))[1].append(cat)
    choices: list = [("", "---------")]
    for parent, children in sorted(groups.values(), key=lambda g: (g[0].sort_order, g[0].code)):
        if children == [parent]:
            choices.append((parent.pk, parent.name))
        else:
            children.sort(key=lambda c: (c.sort_order, c.code))
            choices.append((parent.name, [(c.pk, c.name) for c in children]))
    return choices


class RegisterIssueForm(BootstrapMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    category = CategoryChoiceField(label=_("诉求分类"), queryset=None)
    title = forms.CharField(label=_("标题"), max_length=200)
    description = _text(_("诉求描述"), rows=5, max_length=5000)
    priority = forms.ChoiceField(label=_("紧急程度"), choices=())
    source = forms.ChoiceField(label=_("来源"), choices=())
    attachments = MultipleFileField(label=_("附件（可多选）"))

    def __init__(self, *args, enterprises, categories, priorities, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["category"].queryset = categories
        self.fields["category"].choices = category_choices(categories)
        self.fields["priority"].choices = priorities
        self.fields["source"].choices = sources
        self._style()


# --- Improvement actions (优化提升) --------------------------------------------------------------


def parse_issue_numbers(text: str) -> list[int]:
    """Issue ids from "SQ2026000123, 45 …" (numbers as shown, or plain ids)."""
    ids = []
    for token in (text or "").replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        token = token.strip().upper()
        if not token:
            continue
        if (token.startswith("SQ") and len(token) > 6 and (pk := parse_id(token[6:]))) or (
            pk := parse_id(token)
        ):
            ids.append(pk)
        else:
            token = token if len(token) <= 30 else token[:30] + "…"
            raise ValidationError(_("无法识别的诉求编号：%(token)s"), params={"token": token})
    return list(dict.fromkeys(ids))


class IssueNumbersField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("诉求编号（如 SQ2026000123），多个用逗号分隔。"))
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_issue_numbers(super().clean(value))


class ImprovementForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=())
    region = forms.ModelChoiceField(label=_("辖区"), queryset=None)
    owner_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=None, required=False)
    description = _text(_("内容"), required=False, rows=4, max_length=5000)
    issues = IssueNumbersField(label=_("关联诉求"))

    def __init__(self, *args, regions, units, **kwargs):
        from issues.models import ImprovementAction

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ImprovementAction.Kind.choices
        self.fields["region"].queryset = regions
        self.fields["owner_unit"].queryset = units
        self._style()


class ImprovementLinkForm(BootstrapMixin, forms.Form):
    issues = IssueNumbersField(label=_("关联诉求"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ImprovementStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=())

    def __init__(self, *args, improvement, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = improvement.STATUS_FLOW[improvement.Status(improvement.status)]
        self.fields["status"].choices = [
            (value, label) for value, label in improvement.Status.choices if value in allowed
        ]
        self._style()
