"""Sending the queued notifications (table ``outbox``): file, email and webhook adapters.

A run queues one outbox row per new event and channel in the same transaction as the event
(:mod:`ecoplan.warn.engine`); :func:`deliver` sends the unsent rows afterwards and records
``sent_at`` or the ``error`` (retried on the next call, up to ``max_attempts``). Delivery is
at-least-once: a crash between sending and recording sends that row again.

Adapters (``notify:`` in the rules file):

- ``file`` (default): appends one JSON line per event to ``$ECOPLAN_HOME/outbox/<target>``.
- ``email``: a plain-text UTF-8 message over SMTP to the addresses of *target* (``,``-separated).
  Settings from the environment: ``ECOPLAN_SMTP_HOST`` (required), ``ECOPLAN_SMTP_PORT`` (25),
  ``ECOPLAN_SMTP_FROM`` (``ecoplan@<host>``), ``ECOPLAN_SMTP_USER``/``ECOPLAN_SMTP_PASSWORD``
  (login when set), ``ECOPLAN_SMTP_STARTTLS=1`` or ``ECOPLAN_SMTP_SSL=1``.
- ``webhook``: ``POST`` of the JSON payload to the URL *target* (httpx, 10 s timeout); a
  non-2xx answer is an error. ``ECOPLAN_WEBHOOK_TOKEN``, when set, is sent as a bearer token.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from ecoplan.store.db import Store
from ecoplan.store.schema_warn import OutboxMessage

OUTBOX_DIR = "outbox"
MAX_ATTEMPTS = 5


class DeliveryError(Exception):
    """A notification that could not be sent (the reason is stored in ``outbox.error``)."""


# ------------------------------------------------------------------------------ file


def outbox_dir(home: Path) -> Path:
    return home / OUTBOX_DIR


def send_file(home: Path, target: str, line: dict[str, Any]) -> Path:
    """Append *line* as one JSON line to ``<home>/outbox/<target>``; returns the path."""
    if "/" in target or "\\" in target or target.startswith("."):
        raise DeliveryError(f"file target {target!r} must be a plain file name")
    folder = outbox_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / target
    text = json.dumps(line, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return path


# ------------------------------------------------------------------------------ email


@dataclass(frozen=True)
class SmtpSettings:
    """SMTP connection settings (from ``ECOPLAN_SMTP_*``)."""

    host: str
    port: int = 25
    sender: str = "ecoplan@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 15.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings:
        e = dict(os.environ) if env is None else env
        host = e.get("ECOPLAN_SMTP_HOST", "").strip()
        if not host:
            raise DeliveryError("email channel: ECOPLAN_SMTP_HOST is not set (no SMTP server)")
        port_text = e.get("ECOPLAN_SMTP_PORT", "25").strip()
        if not port_text.isdigit():
            raise DeliveryError(f"ECOPLAN_SMTP_PORT must be a number, got {port_text!r}")
        yes = ("1", "true", "yes")
        return cls(
            host=host,
            port=int(port_text),
            sender=e.get("ECOPLAN_SMTP_FROM", f"ecoplan@{host}").strip(),
            user=e.get("ECOPLAN_SMTP_USER") or None,
            password=e.get("ECOPLAN_SMTP_PASSWORD") or None,
            starttls=e.get("ECOPLAN_SMTP_STARTTLS", "").lower() in yes,
            use_ssl=e.get("ECOPLAN_SMTP_SSL", "").lower() in yes,
        )


def recipients(target: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;]", target) if a.strip()]


def email_subject(payload: dict[str, Any]) -> str:
    w = payload["warning"]
    verb = {"start": "发布", "upgrade": "升级", "downgrade": "降级", "lift": "解除"}
    where = w.get("region_zh") or w.get("region_code") or ""
    level = payload.get("grade_to_zh") or payload.get("grade_from_zh") or w.get("level_zh")
    return (
        f"【{w['category_zh']}】{where} {w['subject_name'] or w['subject']} {level} "
        f"{verb.get(payload['event'], payload['event'])}（{w['kind_zh']}）"
    )


def build_email(payload: dict[str, Any], sender: str, to: list[str]) -> EmailMessage:
    """The notification as a plain-text UTF-8 email."""
    w = payload["warning"]
    msg = EmailMessage()
    msg["Subject"] = email_subject(payload)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="ecoplan")
    body = [
        payload["message_zh"],
        "",
        f"规则 rule: {w['rule_id']}（{w['kind_zh']}）",
        f"对象 subject: {w['subject']} {w['subject_name'] or ''}",
        f"地区 region: {w['region_code'] or ''} {w['region_zh'] or ''}",
        f"评估日期 as of: {payload['as_of']}    事件时间 at: {payload['at']}",
        f"预警编号 warning: {w['id']}    事件 event: {payload['event']}",
        "",
        "依据 inputs:",
        json.dumps(payload["inputs"], ensure_ascii=False, indent=2, default=str),
    ]
    msg.set_content("\n".join(body), charset="utf-8")
    return msg


def send_email(target: str, payload: dict[str, Any], smtp: SmtpSettings | None = None) -> None:
    """Send *payload* to the addresses of *target* over SMTP."""
    cfg = smtp or SmtpSettings.from_env()
    to = recipients(target)
    if not to:
        raise DeliveryError(f"email target {target!r} names no address")
    msg = build_email(payload, cfg.sender, to)
    try:
        server: smtplib.SMTP
        if cfg.use_ssl:
            server = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        with server:
            if cfg.starttls:
                server.starttls(context=ssl.create_default_context())
            if cfg.user:
                server.login(cfg.user, cfg.password or "")
            server.send_message(msg, from_addr=cfg.sender, to_addrs=to)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {cfg.host}:{cfg.port}: {exc}") from exc


# ------------------------------------------------------------------------------ webhook


def send_webhook(
    target: str, payload: dict[str, Any], *, timeout: float = 10.0, token: str | None = None
) -> int:
    """POST *payload* as JSON to *target*; returns the status code (2xx), else raises."""
    headers = {"User-Agent": "ecoplan-warnings"}
    tok = token if token is not None else os.environ.get("ECOPLAN_WEBHOOK_TOKEN")
    if tok:
        headers["Authorization"] = f"Bearer {tok}"
    try:
        r = httpx.post(target, json=payload, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {target}: {exc}") from exc
    if not 200 <= r.status_code < 300:
        raise DeliveryError(f"webhook {target}: HTTP {r.status_code} {r.text[:200]}")
    return r.status_code


# ------------------------------------------------------------------------------ delivery


@dataclass
class DeliveryReport:
    """What :func:`deliver` did."""

    sent: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "errors": self.errors}


def _send(store: Store, row: OutboxMessage, smtp: SmtpSettings | None) -> None:
    payload = dict(row.payload)
    if row.channel == "file":
        send_file(store.settings.home, row.target, {"outbox_id": row.id, **payload})
    elif row.channel == "email":
        send_email(row.target, payload, smtp)
    elif row.channel == "webhook":
        send_webhook(row.target, payload)
    else:
        raise DeliveryError(f"unknown channel {row.channel!r}")


def deliver(
    store: Store,
    *,
    limit: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    smtp: SmtpSettings | None = None,
) -> DeliveryReport:
    """Send the unsent outbox rows (oldest first) that have failed fewer than *max_attempts*
    times; record ``sent_at`` or the error of each, row by row."""
    report = DeliveryReport()
    with store.session() as ses:
        q = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts)
            .order_by(OutboxMessage.id)
        )
        if limit is not None:
            q = q.limit(limit)
        rows = list(ses.scalars(q))
    for row in rows:
        error: str | None = None
        try:
            _send(store, row, smtp)
        except DeliveryError as exc:
            error = str(exc)
        with store.session() as ses:
            rec = ses.get(OutboxMessage, row.id)
            if rec is None:  # deleted meanwhile (its warning was deleted)
                continue
            rec.attempts = (rec.attempts or 0) + 1
            if error is None:
                rec.sent_at = datetime.now().replace(microsecond=0)
                rec.error = None
                report.sent += 1
            else:
                rec.error = error[:2000]
                report.failed += 1
                report.errors.append({"outbox_id": row.id, "channel": row.channel, "error": error})
    return report


def pending_count(store: Store, max_attempts: int = MAX_ATTEMPTS) -> int:
    with store.session() as ses:
        return len(
            ses.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts
                )
            ).all()
        )
