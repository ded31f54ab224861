"""Login throttling: per account and per client address, with exponential back-off.

Every failed login (``POST /login``, ``POST /api/tokens``) counts against the account name
and against the client address. After :attr:`LoginThrottle.free_account` failures for an
account (:attr:`free_address` for an address) each further failure locks that key for
``base × 2^(n − free)`` seconds, at most :attr:`max_lock`; while locked, logins for it are
refused with 429 and ``Retry-After`` before any password is hashed (so a locked attacker costs
no argon2 memory). A success clears the account's count; a key quiet for :attr:`forget_after`
seconds is forgotten. Each new lock writes an audit row ``login.lockout``.

The state is in memory, per server process: with ``ecoplan serve --workers N`` an attacker
gets at most N times the attempts (docs/security.md). The clock is a constructor parameter,
so tests drive the back-off with a fake clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from ecoplan.api.auth import client_ip
from ecoplan.api.errors import ApiError
from ecoplan.store import audit
from ecoplan.store.audit import Actor


@dataclass
class _Entry:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


@dataclass(frozen=True)
class Lockout:
    """A lock just imposed: which key (``account:<name>`` / ``address:<ip>``), how long."""

    key: str
    seconds: float
    failures: int


class LoginThrottle:
    """Failure counts and locks of login keys (thread-safe)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        free_account: int = 5,
        free_address: int = 20,
        base: float = 1.0,
        max_lock: float = 900.0,
        forget_after: float = 3600.0,
        max_keys: int = 100_000,
    ):
        self.clock = clock
        self.free_account = free_account
        self.free_address = free_address
        self.base = base
        self.max_lock = max_lock
        self.forget_after = forget_after
        self.max_keys = max_keys
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(username: str, address: str | None) -> list[str]:
        keys = [f"account:{username.strip().lower()[:200]}"]
        if address:
            keys.append(f"address:{address}")
        return keys

    def _free(self, key: str) -> int:
        return self.free_account if key.startswith("account:") else self.free_address

    def _entry(self, key: str, now: float) -> _Entry | None:
        e = self._entries.get(key)
        if e is not None and now - e.last > self.forget_after and now >= e.locked_until:
            del self._entries[key]
            return None
        return e

    def retry_after(self, username: str, address: str | None) -> float:
        """Seconds until a login for *username* from *address* may be tried (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [
                e.locked_until - now
                for k in self.keys(username, address)
                if (e := self._entry(k, now)) is not None
            ]
        return max([0.0, *waits])

    def failure(self, username: str, address: str | None) -> list[Lockout]:
        """Count a failed login; returns the locks it imposed (for the audit trail)."""
        now = self.clock()
        out: list[Lockout] = []
        with self._lock:
            if len(self._entries) >= self.max_keys:  # bounded memory: drop the stalest
                for k in sorted(self._entries, key=lambda k: self._entries[k].last)[
                    : self.max_keys // 10
                ]:
                    del self._entries[k]
            for key in self.keys(username, address):
                e = self._entry(key, now) or self._entries.setdefault(key, _Entry())
                e.failures += 1
                e.last = now
                over = e.failures - self._free(key)
                if over > 0:
                    seconds = min(self.max_lock, self.base * 2 ** (over - 1))
                    e.locked_until = now + seconds
                    out.append(Lockout(key, seconds, e.failures))
        return out

    def success(self, username: str) -> None:
        """A successful login clears the account's failures (not the address's)."""
        with self._lock:
            self._entries.pop(self.keys(username, None)[0], None)


# --- the routes' side --------------------------------------------------------------------------


def throttle_of(request: Request) -> LoginThrottle:
    """The application's throttle (``create_app(login_throttle=…)``)."""
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def too_many_attempts(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(
        429,
        f"登录失败次数过多，请在 {wait} 秒后再试",
        f"Too many failed logins; try again in {wait} s",
        code="too_many_attempts",
        headers={"Retry-After": str(wait)},
    )


def check_login_allowed(request: Request, username: str) -> None:
    """Raise 429 (with ``Retry-After``) while the account or the address is locked."""
    wait = throttle_of(request).retry_after(username, client_ip(request))
    if wait > 0:
        raise too_many_attempts(wait)


def note_login_failure(request: Request, session: Session, username: str, via: str) -> None:
    """Count a failed login; audit every lock it imposes (``login.lockout``)."""
    ip = client_ip(request)
    for lock in throttle_of(request).failure(username, ip):
        scope, _, who = lock.key.partition(":")
        audit.record(
            session,
            Actor(None, None, ip),
            action="login.lockout",
            entity="user" if scope == "account" else "address",
            entity_id=who[:200],
            after={
                "scope": scope,
                "failures": lock.failures,
                "locked_seconds": lock.seconds,
                "via": via,
            },
        )


def note_login_success(request: Request, username: str) -> None:
    throttle_of(request).success(username)
