"""The project's URLs plus a stand-in portal home, for the redirect test."""

from django.http import HttpResponse
from django.urls import include, path

from crm.urls import urlpatterns as project_urls

portal = ([path("", lambda request: HttpResponse("portal"), name="home")], "portal")

urlpatterns = [path("portal/", include(portal)), *project_urls]
