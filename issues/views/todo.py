"""The to-do page (待办): what each of the viewer's roles expects them to do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from issues.todo import todo_sections_for


@require_GET
@login_required
def todo(request):
    groups = todo_sections_for(user=request.user)
    return render(request, "issues/todo.html", {"groups": groups})
