"""Protection against cross-site request forgery for everything authorised by the cookie.

The session holds a random token; every form carries it in a hidden field ``csrf_token``
(templates: ``{{ csrf_field() }}``) and scripts send it as the ``X-CSRF-Token`` header. The
app-wide dependency :func:`csrf_protect` refuses (403) an unsafe request whose token is
missing or differs, for:

- every page request (login included: a login form is a form too);
- API requests riding on a logged-in session cookie.

Requests carrying ``Authorization: Bearer …`` are exempt (a browser never adds that header by
itself), and so are anonymous API requests (they hold no authority to abuse; the route then
answers 401).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from ecoplan.api.errors import ApiError, is_api_request

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = new_csrf_token()
        request.session[SESSION_KEY] = token
    return str(token)


def csrf_error() -> ApiError:
    return ApiError(
        403,
        "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
        "The form has expired or did not come from this site (CSRF check failed); "
        "reload the page and try again",
        code="csrf",
    )


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuse an unsafe cookie-authorised request without the token."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if is_api_request(request) and not request.session.get("uid"):
        return
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        form = await request.form()
        value = form.get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get(SESSION_KEY)
    if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
        raise csrf_error()
