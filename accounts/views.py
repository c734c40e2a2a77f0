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
    """The workbench: the blocks of every role the person holds (workbench.blocks.HOME_BLOCKS).
    Enterprise users without a staff role go to the portal's home once it exists."""
    from workbench.blocks import home_blocks_for, portal_home_for

    portal = portal_home_for(request.user)
    if portal:
        return redirect(portal)
    memberships = membership_list_for_person(user=request.user)
    enterprises = request.user.enterprise_memberships.filter(is_active=True).select_related(
        "enterprise"
    )
    return render(
        request,
        "accounts/home.html",
        {
            "blocks": home_blocks_for(user=request.user),
            "memberships": memberships,
            "enterprise_memberships": enterprises,
        },
    )
