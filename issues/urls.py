"""Pages of the issue closed loop (DESIGN §5): to-do, list, issue page, register, needs list,
improvement actions. Every page reads through the engine's selectors and writes through its one
transition service."""

from django.urls import path

from issues.views import detail, improvements, lists, register, todo

app_name = "issues"

urlpatterns = [
    path("todo/", todo.todo, name="todo"),
    path("list/", lists.issue_list_page, name="list"),
    path("list/export.xlsx", lists.issue_list_export, name="export"),
    path("new/", register.issue_register_page, name="register"),
    path("needs/<int:enterprise_id>/", lists.needs_list_page, name="needs_list"),
    path("needs/<int:enterprise_id>/export.xlsx", lists.needs_list_export, name="needs_export"),
    path("<int:pk>/", detail.issue_detail, name="detail"),
    path("<int:pk>/actions/<slug:action>/", detail.issue_action, name="action"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        detail.attachment_download,
        name="attachment",
    ),
    path("improvements/", improvements.improvement_list_page, name="improvements"),
    path("improvements/new/", improvements.improvement_create_page, name="improvement_create"),
    path("improvements/<int:pk>/", improvements.improvement_detail, name="improvement_detail"),
    path("improvements/<int:pk>/link/", improvements.improvement_link, name="improvement_link"),
    path(
        "improvements/<int:pk>/status/",
        improvements.improvement_status,
        name="improvement_status",
    ),
]
