"""The public site's own view: the site search (pages themselves are served by Wagtail)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from website.selectors import site_search


@require_GET
def search_view(request):
    text = request.GET.get("q", "").strip()[:50]
    return render(request, "website/search.html", {"q": text, "results": site_search(text=text)})
