"""One JSON error shape for the whole API, with a Chinese message and a machine code:

    {"error": {"code": "not_found", "message": "对象不存在或无权访问。", "fields": {...}}}

`fields` (only for invalid input) maps each field to its messages; `"__all__"` holds the errors
that concern no one field. The mapping:

- a missing object, or one the caller may not see → 404 `not_found` (never "forbidden": an
  outsider learns nothing about what exists);
- invalid input → 400 `invalid`;
- a `WorkflowError` of the engine → 409 (`conflict` for a state or a right that does not allow
  the action now) or 400 (`invalid` for bad input);
- no credentials / a bad or revoked token → 401; a right the caller lacks → 403;
- throttled → 429 with `Retry-After`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from issues.services import WorkflowError

# WorkflowError codes that are about the input (400); every other code is a conflict (409).
INPUT_CODES = frozenset({"invalid", None, ""})


class ApiError(exceptions.APIException):
    """An error with our own code and status."""

    def __init__(self, message, *, code: str, status_code: int, fields=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields


def invalid(fields: dict | None = None, message: str | None = None) -> ApiError:
    return ApiError(
        message or _("提交的内容有误，请检查后重试。"),
        code="invalid",
        status_code=status.HTTP_400_BAD_REQUEST,
        fields=fields,
    )


def conflict(message: str, *, code: str = "conflict") -> ApiError:
    return ApiError(message, code=code, status_code=status.HTTP_409_CONFLICT)


def body(code: str, message: str, fields=None) -> dict:
    error = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = fields
    return {"error": error}


def form_errors(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _workflow_error(exc: WorkflowError) -> ApiError:
    code = getattr(exc, "code", None)
    message = "；".join(str(m) for m in exc.messages)
    if code in INPUT_CODES:
        return invalid({"__all__": [str(m) for m in exc.messages]}, message)
    return conflict(message, code="forbidden_action" if code == "forbidden" else "conflict")


def _detail_fields(detail) -> dict:
    if isinstance(detail, dict):
        return {k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    if isinstance(detail, list):
        return {"__all__": [str(x) for x in detail]}
    return {"__all__": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        exc = _workflow_error(exc)
    elif isinstance(exc, DjangoValidationError):
        exc = invalid({"__all__": [str(m) for m in exc.messages]}, "；".join(exc.messages))
    elif isinstance(exc, Http404):
        exc = ApiError(_("对象不存在或无权访问。"), code="not_found", status_code=404)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ApiError):
        response = Response(body(exc.error_code, exc.detail, exc.fields), status=exc.status_code)
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling (and logging) takes over
    if isinstance(exc, exceptions.ValidationError):
        response.data = body(
            "invalid", _("提交的内容有误，请检查后重试。"), _detail_fields(exc.detail)
        )
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = body("not_authenticated", _("请先登录或提供接口令牌。"))
    elif isinstance(exc, exceptions.AuthenticationFailed):
        response.data = body("authentication_failed", exc.detail)
    elif isinstance(exc, exceptions.PermissionDenied):
        custom = str(exc.detail) != str(exceptions.PermissionDenied.default_detail)
        response.data = body("permission_denied", exc.detail if custom else _("您无权执行此操作。"))
    elif isinstance(exc, exceptions.NotFound):
        response.data = body("not_found", _("对象不存在或无权访问。"))
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = body("method_not_allowed", _("不支持该请求方法。"))
    elif isinstance(exc, exceptions.NotAcceptable):
        response.data = body("not_acceptable", _("无法提供所请求的格式。"))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = body("unsupported_media_type", _("不支持的请求格式，请使用 JSON。"))
    elif isinstance(exc, exceptions.Throttled):
        response.data = body("throttled", _("请求过于频繁，请稍后再试。"))
    elif isinstance(exc, exceptions.ParseError):
        response.data = body("parse_error", _("请求内容无法解析。"))
    else:
        response.data = body(getattr(exc, "default_code", "error"), str(exc.detail))
    return response
