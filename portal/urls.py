from django.urls import path

from portal.views import accounts, pages

app_name = "portal"

urlpatterns = [
    path("", pages.home, name="home"),
    path("requests/new/", pages.request_new, name="request_new"),
    path("requests/new/expectation/", pages.expectation, name="expectation"),
    path("requests/<int:pk>/", pages.request_detail, name="request"),
    path("requests/<int:pk>/<slug:action>/", pages.request_action, name="request_action"),
    path(
        "requests/<int:pk>/attachments/<int:attachment_id>/",
        pages.attachment_download,
        name="attachment",
    ),
    path("needs/", pages.needs_list, name="my_requests"),
    path("messages/", pages.inbox, name="messages"),
    path("invite/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("manage/<int:pk>/", accounts.manage, name="manage"),
    path("manage/invitations/<int:pk>/", accounts.invitation_detail, name="invitation"),
    path(
        "manage/invitations/<int:pk>/revoke/",
        accounts.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "manage/bindings/<int:pk>/deactivate/",
        accounts.membership_deactivate_view,
        name="membership_deactivate",
    ),
    path(
        "manage/bindings/<int:pk>/reinvite/",
        accounts.membership_reinvite_view,
        name="membership_reinvite",
    ),
]
