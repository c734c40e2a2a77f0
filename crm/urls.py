"""URL map. Staff workspace: /workspace/ (home) and the apps' own prefixes; Wagtail admin: /cms/;
Django admin: /django-admin/; everything else is the public site, served by Wagtail (last)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from api import pages as api_pages
from ops import health
from ops import views as ops_views

admin.site.site_header = "亲清 · 系统管理"
admin.site.site_title = "亲清"

urlpatterns = [
    path("workspace/", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("visits/", include("visits.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("notifications/", include("notifications.urls")),
    path("issues/", include("issues.urls")),
    path("portal/", include("portal.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("api/v1/", include("api.urls")),
    path("api/tokens/", api_pages.token_page, name="api_tokens"),
    path("api/tokens/<int:pk>/revoke/", api_pages.token_revoke_page, name="api_token_revoke"),
    path("pushes/", include("policies.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("health/", health.liveness, name="health"),
    path("health/ready/", health.readiness, name="health-ready"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", include("website.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

# The public site (home, policy library, interpretations, notices, guides, news): last, as it
# answers every path the patterns above leave.
urlpatterns += [path("", include(wagtail_urls))]
