"""Who may use the web app, and who may add articles to the shared index.

``NEWSDESK_AUTH`` (``Settings.auth``, ``--auth``) turns on Gradio's sign-in. It names
a file of users, one a line::

    # user:password-hash[:admin]
    ada:scrypt$16384$8$1$<salt, base64>$<hash, base64>:admin
    bob:scrypt$16384$8$1$<salt, base64>$<hash, base64>

(``newsdesk hash-password`` prints such a line), or holds ``user:password[:admin]``
pairs separated by commas for a quick start (a plain password, compared as it is).
Users marked ``admin`` may upload; the others may only ask.

Without sign-in, uploads are allowed only when the server listens on a loopback
address: on any other address every visitor could add (or poison) sources.
Passwords are never logged, and an address is refused for a minute after
``MAX_FAILED_LOGINS`` wrong passwords.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from index import ConfigError

HASH_SCHEME = "scrypt"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MB, ~50 ms a check: OWASP's minimum for scrypt
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = 60.0  # seconds


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (salt and hash base64): what the users file holds."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return "$".join(
        [HASH_SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash (or a plain quick-start password)."""
    if not stored.startswith(HASH_SCHEME + "$"):
        return hmac.compare_digest(password.encode(), stored.encode())
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Users:
    """The users who may sign in (name → stored secret) and which of them are admins."""

    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    admins: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def check(self, username: str, password: str) -> bool:
        stored = self.secrets.get(username)
        if stored is None:
            verify_password(password, _DUMMY_HASH)  # the same time for unknown users
            return False
        return verify_password(password, stored)

    def is_admin(self, username: str | None) -> bool:
        return bool(username) and username in self.admins


_DUMMY_HASH = hash_password("not a password", salt=b"newsdesk-dummy-salt")


def load_users(spec: str) -> Users:
    """Users from ``NEWSDESK_AUTH``: the path of a users file, or inline pairs.

    Raises ConfigError naming the line (never its secret) when an entry is malformed.
    """
    spec = spec.strip()
    if not spec:
        return Users()
    path = Path(spec).expanduser()
    if path.is_file():
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the NEWSDESK_AUTH file {path}: {exc}") from exc
        where = str(path)
    elif ":" in spec:
        lines = [part for chunk in spec.split(",") for part in [chunk.strip()] if part]
        where = "NEWSDESK_AUTH"
    else:
        raise ConfigError(
            f"NEWSDESK_AUTH={spec!r} is neither a file nor user:password pairs; point it at "
            "a file of user:hash[:admin] lines (see `newsdesk hash-password`)"
        )
    found: dict[str, str] = {}
    admins: set[str] = set()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        user, _, secret = line.partition(":")
        admin = secret.endswith(":admin")
        if admin:
            secret = secret[: -len(":admin")]
        user = user.strip()
        if not user or not secret:
            raise ConfigError(
                f"{where}, entry {number}: expected user:password-hash[:admin] "
                f"(the user {user or '(empty)'!r} has no password)"
            )
        found[user] = secret
        if admin:
            admins.add(user)
    if not found:
        raise ConfigError(f"{where} lists no users; add user:password-hash[:admin] lines")
    return Users(found, frozenset(admins))


def is_loopback(host: str) -> bool:
    """Whether a listening address is reachable only from this machine."""
    host = host.strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def upload_permission(host: str, users: Users, username: str | None) -> tuple[bool, str]:
    """May this visitor add articles? ``(allowed, why not and how to turn it on)``."""
    if users:
        if users.is_admin(username):
            return True, ""
        return False, (
            f"Uploads are for editors: {username or 'this account'} may ask questions but "
            "not add articles. An administrator can mark a user `admin` in the "
            "NEWSDESK_AUTH file (a third field, `user:hash:admin`)."
        )
    if is_loopback(host):
        return True, ""
    return False, (
        f"Uploads are off: this server listens on {host} without sign-in, so anyone who "
        "can reach it could add or alter sources. To turn them on, set NEWSDESK_AUTH to a "
        "users file (`newsdesk hash-password` makes its lines; users marked `admin` may "
        "upload), or serve on 127.0.0.1 and add articles with `newsdesk ingest`."
    )


class LoginLimiter:
    """At most ``limit`` failed sign-ins per address in a sliding ``window`` of seconds."""

    def __init__(self, limit: int = MAX_FAILED_LOGINS, window: float = FAILED_LOGIN_WINDOW):
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> float:
        """Seconds this address must wait before trying again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            failures = self._failures.get(address)
            if not failures:
                return 0.0
            while failures and now - failures[0] >= self.window:
                failures.popleft()
            if len(failures) < self.limit:
                return 0.0
            return max(0.0, self.window - (now - failures[0]))

    def failed(self, address: str) -> None:
        with self._lock:
            if len(self._failures) > 10_000:  # a flood of addresses: forget the oldest state
                self._failures.clear()
            self._failures.setdefault(address, deque()).append(time.monotonic())

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)
