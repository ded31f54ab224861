"""Request and response bodies of the JSON API (their schemas appear in the OpenAPI at /docs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "editor", "viewer"]
RegionCode = Field(pattern=r"^\d{6}$", description="GB/T 2260 code, e.g. 150100")


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable reason, e.g. forbidden, invalid_plan")
    message: str = Field(description="中文 / English")
    message_zh: str
    message_en: str
    fields: list[dict[str, str]] | None = Field(
        None, description="for 422: [{loc, message}] naming each bad field"
    )


class ErrorOut(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "login or a valid bearer token needed 需要登录"),
        (403, "not allowed for this account 无权操作"),
        (404, "not found 未找到"),
        (422, "invalid input 数据无效"),
    )
}


class RegionOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    level: Literal["province", "prefecture", "county"]
    parent: str | None


class RegionDetail(RegionOut):
    lon: float | None = Field(None, description="seat longitude, decimal degrees (approximate)")
    lat: float | None = Field(None, description="seat latitude, decimal degrees (approximate)")
    ancestors: list[RegionOut] = Field(description="enclosing regions, nearest first")
    children: list[RegionOut]


class PlanSummaryOut(BaseModel):
    id: str
    title_zh: str
    title_en: str
    region_code: str
    period: str
    origin: Literal["embedded", "imported"]
    published: bool
    indicators: int
    baselines: int
    targets: int
    tasks: int


class PlanImportOut(BaseModel):
    plan_id: str
    action: Literal["inserted", "replaced", "unchanged"]
    indicators: int
    baselines: int
    targets: int
    tasks: int


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: Role
    region_code: str | None
    active: bool
    created_at: str


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=8, description="at least 8 characters 至少 8 个字符")
    role: Role
    region_code: str | None = Field(
        None, pattern=r"^\d{6}$", description="editors only: their league/city (or county)"
    )
    display_name: str | None = None


class UserUpdate(BaseModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    active: bool | None = None
    display_name: str | None = None


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=8)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: str = Field(min_length=8)


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str
    password: str
    label: str | None = Field(None, max_length=200, description="what the token is for")
    expires_in_days: int | None = Field(
        None, ge=1, le=366, description="lifetime in days (default 90, at most 366)"
    )


class TokenOut(BaseModel):
    id: int
    label: str | None
    created_at: str
    last_used_at: str | None
    expires_at: str | None = None
    revoked: bool


class TokenCreated(TokenOut):
    token: str = Field(description="send as 'Authorization: Bearer <token>'; shown only once")
    username: str


class AuditOut(BaseModel):
    id: int
    at: str
    user_id: int | None
    username: str | None
    action: str
    entity: str
    entity_id: str | None
    region_code: str | None
    before: Any
    after: Any
    ip: str | None
