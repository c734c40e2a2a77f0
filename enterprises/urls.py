from django.urls import path

from enterprises.views import ledger, pages

app_name = "enterprises"

urlpatterns = [
    path("", pages.enterprise_list_view, name="list"),
    path("new/", pages.enterprise_create, name="create"),
    path("export/", ledger.enterprise_export, name="export"),
    path("handover/", pages.officer_handover, name="handover"),
    path("import/", ledger.import_upload, name="import"),
    path("import/template/", ledger.import_template, name="import_template"),
    path("import/<int:pk>/", ledger.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", ledger.import_confirm, name="import_confirm"),
    path("<int:pk>/", pages.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", pages.enterprise_edit, name="edit"),
    path("<int:pk>/assign/", pages.enterprise_assign, name="assign"),
    path("<int:pk>/contacts/new/", pages.contact_edit, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", pages.contact_edit, name="contact_edit"),
]
