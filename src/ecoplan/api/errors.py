"""Errors as people read them: JSON ``{"error": {"code", "message", …}}`` for the API, an HTML
page (or a redirect to the login page) for the pages.

``message`` carries Chinese and English (``中文 / English``); ``message_zh`` and ``message_en``
hold each alone; ``fields`` lists ``{"loc", "message"}`` for 422s.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecoplan.model.planfile import PlanFileError
from ecoplan.store.users import UserError

# status → (code, Chinese, English) used when a handler gives no more specific message
GENERIC: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求有误", "Bad request"),
    401: (
        "unauthenticated",
        "需要登录（或提供有效的 API 令牌）",
        "Login (or a valid API token) is needed",
    ),
    403: ("forbidden", "您的账号无权执行此操作", "Your account is not allowed to do this"),
    404: ("not_found", "未找到请求的内容", "Nothing was found at this address"),
    405: ("method_not_allowed", "不支持此请求方法", "This method is not allowed here"),
    409: ("conflict", "与现有数据冲突", "This conflicts with data already held"),
    413: ("too_large", "上传的文件过大", "The uploaded file is too large"),
    422: ("invalid", "提交的数据无效", "The data sent is not valid"),
    429: ("too_many_requests", "尝试次数过多，请稍后再试", "Too many attempts; try again later"),
    500: ("internal", "服务器内部错误", "Internal server error"),
    503: ("busy", "服务器正忙，请稍后再试", "The server is busy; try again later"),
}


class ApiError(Exception):
    """An error with a status, a machine-readable ``code`` and a message in both languages."""

    def __init__(
        self,
        status: int,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        code: str | None = None,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        g = GENERIC.get(status, GENERIC[400])
        self.status = status
        self.code = code or g[0]
        self.message_zh = message_zh or g[1]
        self.message_en = message_en or g[2]
        self.fields = fields
        self.headers = headers
        super().__init__(f"{status} {self.code}: {self.message_en}")


def not_found(what_zh: str, what_en: str) -> ApiError:
    return ApiError(404, f"未找到{what_zh}", f"{what_en} was not found")


def unauthenticated() -> ApiError:
    return ApiError(401, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message_zh: str | None = None, message_en: str | None = None) -> ApiError:
    return ApiError(403, message_zh, message_en)


def error_body(
    code: str, message_zh: str, message_en: str, fields: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    err: dict[str, Any] = {
        "code": code,
        "message": f"{message_zh} / {message_en}",
        "message_zh": message_zh,
        "message_en": message_en,
    }
    if fields:
        err["fields"] = fields
    return {"error": err}


def is_api_request(request: Request) -> bool:
    """JSON answers for ``/api/…`` and the OpenAPI document; HTML for the pages."""
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path.startswith("/openapi")


def respond(request: Request, exc: ApiError) -> Response:
    """The response for *exc*: JSON for the API; for pages a login redirect (401) or a page."""
    if is_api_request(request):
        return JSONResponse(
            error_body(exc.code, exc.message_zh, exc.message_en, exc.fields),
            status_code=exc.status,
            headers=exc.headers,
        )
    if exc.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from ecoplan.api.templating import render

    return render(
        request,
        "error.html",
        {"error": exc, "status": exc.status},
        status_code=exc.status,
    )


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return respond(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    g = GENERIC.get(status)
    if g is None:
        g = (f"http_{status}", "请求失败", str(exc.detail))
    return respond(
        request, ApiError(status, g[1], g[2], code=g[0], headers=dict(exc.headers or {}))
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"loc": _loc(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors()
    ]
    detail = "; ".join(f"{f['loc']}: {f['message']}" for f in fields)
    return respond(
        request,
        ApiError(
            422,
            "提交的数据无效，请检查所列字段",
            f"The data sent is not valid: {detail}",
            fields=fields,
        ),
    )


async def _plan_file_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PlanFileError)
    return respond(request, plan_file_api_error(exc))


def plan_file_api_error(exc: PlanFileError) -> ApiError:
    """409 when the only problem is an existing plan id, else 422 listing every field error."""
    fields = [{"loc": loc, "message": msg} for loc, msg in exc.errors]
    if len(exc.errors) == 1 and exc.errors[0][0] == "id" and "exists already" in exc.errors[0][1]:
        return ApiError(
            409,
            "已有相同编号的规划；如需替换请选择“替换”(replace=true)",
            exc.errors[0][1].replace("use --replace", "send replace=true"),
            code="plan_exists",
            fields=fields,
        )
    return ApiError(
        422,
        f"规划文件未导入：发现 {len(exc.errors)} 处错误，文件整体未导入",
        f"The plan file was not imported: {len(exc.errors)} error(s); nothing was written",
        code="invalid_plan",
        fields=fields,
    )


async def _user_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UserError)
    status = {"exists": 409, "not_found": 404, "last_admin": 409, "busy": 503}.get(exc.code, 422)
    headers = {"Retry-After": "5"} if status == 503 else None
    return respond(
        request,
        ApiError(status, exc.message_zh, str(exc), code=f"user_{exc.code}", headers=headers),
    )


def install(app: FastAPI) -> None:
    """Register the handlers on *app*."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PlanFileError, _plan_file_error)
    app.add_exception_handler(UserError, _user_error)
