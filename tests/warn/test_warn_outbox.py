"""The notification outbox: one queued row per new event and channel; the file adapter writes
one JSON line per event; the webhook adapter posts to a local HTTP server; the email adapter
talks SMTP to a stub server on 127.0.0.1 (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import select

from ecoplan.model.warning_rules import parse_rules
from ecoplan.store.db import Store
from ecoplan.store.schema_warn import OutboxMessage
from ecoplan.warn import deliver, run_warnings
from ecoplan.warn.outbox import SmtpSettings, build_email

from .conftest import import_issue

D = dt.date

RULES = """
version: 1
rules:
  - id: air.heavy.national
    kind: air_forecast
    params: {{scheme: national}}
notify:
{notify}
"""


def _rules(notify: str) -> Any:
    return parse_rules(RULES.format(notify=notify), "t.yaml")


def _three_events(store: Store, tmp_path: Path, rules: Any) -> None:
    """Baotou: start (12-01), repeat-suppressed (12-02, not sent), upgrade (12-03); Wuhai: a
    start (its 12-01 issue still covers ≥ 3 days > 200 on 12-02 and 12-03: no change)."""
    import_issue(store, tmp_path, "150200", D(2024, 12, 1), [250, 250])
    import_issue(store, tmp_path, "150300", D(2024, 12, 1), [250] * 6)  # orange all along
    run_warnings(store, D(2024, 12, 1), kinds=["air"], rules=rules)
    import_issue(store, tmp_path, "150200", D(2024, 12, 2), [250, 250])
    run_warnings(store, D(2024, 12, 2), kinds=["air"], rules=rules)
    import_issue(store, tmp_path, "150200", D(2024, 12, 3), [250, 250, 250])
    run_warnings(store, D(2024, 12, 3), kinds=["air"], rules=rules)


def test_file_adapter_writes_one_line_per_event(wstore: Store, tmp_path: Path) -> None:
    rules = _rules("  - channel: file\n    target: events.jsonl\n")
    _three_events(wstore, tmp_path, rules)
    report = deliver(wstore)
    assert (report.sent, report.failed) == (3, 0)
    path = wstore.settings.home / "outbox" / "events.jsonl"
    lines = [json.loads(x) for x in path.read_text("utf-8").splitlines()]
    assert [(x["event"], x["warning"]["subject"], x["grade_to"]) for x in lines] == [
        ("start", "150200", "yellow"),
        ("start", "150300", "orange"),
        ("upgrade", "150200", "orange"),
    ]
    assert lines[0]["warning"]["region_zh"] == "包头市"
    assert lines[0]["inputs"]["issue_date"] == "2024-12-01"
    assert len({x["outbox_id"] for x in lines}) == 3
    assert deliver(wstore).sent == 0  # nothing left to send: no duplicate lines
    assert len(path.read_text("utf-8").splitlines()) == 3
    with wstore.session() as s:
        assert all(o.sent_at is not None for o in s.scalars(select(OutboxMessage)))


def test_channel_filters(wstore: Store, tmp_path: Path) -> None:
    rules = _rules(
        "  - channel: file\n    target: baotou.jsonl\n    regions: ['150200']\n"
        "  - channel: file\n    target: water.jsonl\n    kinds: [water]\n"
    )
    _three_events(wstore, tmp_path, rules)
    deliver(wstore)
    out = wstore.settings.home / "outbox"
    assert len((out / "baotou.jsonl").read_text("utf-8").splitlines()) == 2
    assert not (out / "water.jsonl").exists()


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    fail_next: ClassVar[int] = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Hook.fail_next:
            _Hook.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    _Hook.received = []
    _Hook.fail_next = 0
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_adapter_posts_and_retries(wstore: Store, tmp_path: Path, webhook: str) -> None:
    rules = _rules(f"  - channel: webhook\n    target: {webhook}\n")
    _three_events(wstore, tmp_path, rules)
    _Hook.fail_next = 1
    r1 = deliver(wstore)
    assert (r1.sent, r1.failed) == (2, 1) and "HTTP 500" in r1.errors[0]["error"]
    with wstore.session() as s:
        failed = s.get(OutboxMessage, r1.errors[0]["outbox_id"])
        assert failed is not None
        assert (failed.attempts, failed.sent_at) == (1, None) and "500" in (failed.error or "")
    r2 = deliver(wstore)  # retried
    assert (r2.sent, r2.failed) == (1, 0)
    assert sorted((p["event"], p["warning"]["subject"]) for p in _Hook.received) == [
        ("start", "150200"),
        ("start", "150300"),
        ("upgrade", "150200"),
    ]


class _SmtpStub(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    messages: ClassVar[list[dict[str, Any]]] = []

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 stub ESMTP")
        rcpt: list[str] = []
        sender = ""
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            cmd = raw.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-stub")
                self._say("250 8BITMIME")
            elif verb == "MAIL":
                sender = cmd.split(":", 1)[1].strip().split()[0].strip("<>")
                self._say("250 OK")
            elif verb == "RCPT":
                rcpt.append(cmd.split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 end with .")
                data = b""
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    data += line[1:] if line.startswith(b"..") else line
                _SmtpStub.messages.append({"from": sender, "to": list(rcpt), "data": data})
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")


@pytest.fixture
def smtp() -> Iterator[SmtpSettings]:
    _SmtpStub.messages = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpStub)
    server.daemon_threads = True
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield SmtpSettings(host="127.0.0.1", port=server.server_address[1], sender="yj@test")
    finally:
        server.shutdown()
        server.server_close()


def test_email_adapter_sends_over_smtp(wstore: Store, tmp_path: Path, smtp: SmtpSettings) -> None:
    rules = _rules("  - channel: email\n    target: duty@test, chief@test\n")
    _three_events(wstore, tmp_path, rules)
    report = deliver(wstore, smtp=smtp)
    assert (report.sent, report.failed) == (3, 0)
    assert len(_SmtpStub.messages) == 3
    m = _SmtpStub.messages[0]
    assert m["from"] == "yj@test" and m["to"] == ["duty@test", "chief@test"]
    msg = message_from_bytes(m["data"], policy=policy.default)
    assert "包头市" in str(msg["Subject"]) and "黄色预警" in str(msg["Subject"])
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and "预测日AQI>200持续2天" in body.get_content()


def test_email_without_smtp_settings_is_an_error(
    wstore: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ECOPLAN_SMTP_HOST", raising=False)
    rules = _rules("  - channel: email\n    target: duty@test\n")
    import_issue(wstore, tmp_path, "150200", D(2024, 12, 1), [250, 250])
    run_warnings(wstore, D(2024, 12, 1), kinds=["air"], rules=rules)
    r = deliver(wstore)
    assert r.failed == 1 and "ECOPLAN_SMTP_HOST" in r.errors[0]["error"]


def test_email_message_building() -> None:
    payload = {
        "event": "lift",
        "at": "2024-12-06T08:00:00",
        "as_of": "2024-12-06",
        "grade_from_zh": "黄色预警",
        "grade_to_zh": None,
        "message_zh": "解除：包头市：预测日AQI>200未持续2天",
        "inputs": {"issue_date": "2024-12-06"},
        "warning": {
            "id": 7,
            "rule_id": "air.heavy.national",
            "kind_zh": "重污染天气预警",
            "category_zh": "环境质量预警",
            "region_code": "150200",
            "region_zh": "包头市",
            "subject": "150200",
            "subject_name": "包头市",
            "level_zh": "黄色预警",
        },
    }
    msg = build_email(payload, "a@b", ["c@d"])
    assert msg["Subject"] == "【环境质量预警】包头市 包头市 黄色预警 解除（重污染天气预警）"
    assert "预警编号 warning: 7" in msg.get_content()
