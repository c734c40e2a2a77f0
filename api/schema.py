"""OpenAPI additions: every operation documents the one error shape (api.errors) for the
statuses any endpoint may answer, so clients — and the schema property run — know them."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "machine-readable, e.g. not_found"},
                "message": {"type": "string", "description": "Chinese, for people"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

ERROR_STATUSES = {
    "400": "提交的内容有误 (invalid)",
    "401": "未登录或令牌无效 (not_authenticated / authentication_failed)",
    "403": "无权执行 (permission_denied)",
    "404": "对象不存在或无权访问 (not_found)",
    "405": "不支持该请求方法 (method_not_allowed)",
    "406": "无法提供所请求的格式 (not_acceptable)",
    "409": "办理流程不允许 (conflict)",
    "415": "不支持的请求格式 (unsupported_media_type)",
    "429": "请求过于频繁 (throttled)",
}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result


def only_this_api(endpoints):
    """Document /api/v1/ only: Wagtail's admin API (under /cms/) is built on DRF too, and its
    views are the CMS's business, not this API's."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
