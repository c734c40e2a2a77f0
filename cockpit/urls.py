from django.urls import path

from cockpit import views

app_name = "cockpit"

urlpatterns = [
    path("", views.cockpit_page, name="index"),
    path("issues/", views.cockpit_drill, name="issues"),
    path("table/", views.cockpit_table, name="table"),
    path("export.xlsx", views.cockpit_export, name="export"),
    path("screen/", views.screen_page, name="screen"),
    path("screen/panel/", views.screen_panel, name="screen_panel"),
    path("bulletins/", views.bulletin_list_page, name="bulletins"),
    path("bulletins/<int:pk>/download/", views.bulletin_download, name="bulletin_download"),
]
