"""The person's own API tokens as a page (`/api/tokens/`): issue one (its key is shown on the
answer to that request only, never stored), see them, revoke them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.tokens import token_issue, token_list_for, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_lazy("用途"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _lazy("如：手机 App")}
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def token_page(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        new_key = token_issue(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        ).key
        form = TokenForm()
    context = {"form": form, "tokens": token_list_for(user=request.user), "new_key": new_key}
    return render(request, "api/token_list.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def token_revoke_page(request, pk: int):
    token = get_object_or_404(token_list_for(user=request.user), pk=pk)
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("api_tokens")
