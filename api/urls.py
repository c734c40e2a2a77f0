"""REST API v1 (DESIGN §11). Every object endpoint lives on this router; the outsider test
matrix (tests/api/test_outsiders.py) walks it."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from api.views.catalogue import CategoryViewSet, RegionViewSet, UnitViewSet
from api.views.enterprises import EnterpriseViewSet
from api.views.intake import WorkOrderView
from api.views.issues import IssueViewSet
from api.views.notifications import NotificationViewSet
from api.views.tokens import TokenViewSet
from api.views.visits import VisitViewSet

app_name = "api"
PUBLIC = {"permission_classes": [AllowAny], "authentication_classes": []}

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("visits", VisitViewSet, basename="visit")
router.register("issues", IssueViewSet, basename="issue")
router.register("categories", CategoryViewSet, basename="category")
router.register("units", UnitViewSet, basename="unit")
router.register("regions", RegionViewSet, basename="region")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [
    path("", include(router.urls)),
    path("work-orders/", WorkOrderView.as_view(), name="work-orders"),
    # The schema and its docs are public (they describe, they reveal no data). Swagger UI comes
    # from drf-spectacular-sidecar, served as our static files, its start-up script from a URL
    # (the split view) and its styles from a file, so the page runs under our strict CSP.
    path("schema/", SpectacularAPIView.as_view(**PUBLIC), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html", **PUBLIC
        ),
        name="docs",
    ),
]
