from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.forms import LoginForm
from accounts.selectors import membership_list_for_person


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_GET
@login_required
def home(request):
    """The workbench: who I am, where I act, and the entry points my roles give me. A person
    who is only an enterprise user goes to the enterprise portal instead."""
    memberships = membership_list_for_person(user=request.user)
    enterprise_only = not memberships and not request.user.is_superuser
    if enterprise_only and request.user.enterprise_memberships.filter(is_active=True).exists():
        return redirect("portal:home")
    enterprises = request.user.enterprise_memberships.filter(is_active=True).select_related(
        "enterprise"
    )
    return render(
        request,
        "accounts/home.html",
        {"memberships": memberships, "enterprise_memberships": enterprises},
    )
