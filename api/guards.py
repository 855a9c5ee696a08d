"""What the HTTP edge checks before a route runs: bounded request bodies (413 in the one error shape,
before the body is read when its length is declared, as it is read otherwise), the upload token before an
upload's body is read, and the security headers of every response.

A pure ASGI middleware: it sees the request before FastAPI parses anything, so a 100 MB body to a route that
takes a small JSON profile costs nothing but the headers."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from api.errors import AccessDenied
from api.settings import Settings
from ingest.errors import QfqError, TooLarge

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATH = "/documents"
MULTIPART_OVERHEAD = 64 * 1024  # the multipart envelope around an uploaded file
_BEARER = re.compile(r"Bearer ([!-~]+)")
# The page and its scripts come from this server only; nothing may frame it. /docs and /redoc (FastAPI's
# own pages) keep their defaults.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, exactly that form; None otherwise."""
    match = _BEARER.fullmatch(authorization or "")
    return match.group(1) if match else None


def check_upload_token(settings: Settings, authorization: str | None) -> None:
    """Uploads need ``QFQ_UPLOAD_TOKEN`` set and the same token, compared in constant time."""
    expected = settings.upload_token
    if expected is None:
        raise AccessDenied(
            "les dépôts de documents sont désactivés",
            where="POST /documents",
            valid="réglez QFQ_UPLOAD_TOKEN pour les permettre",
        )
    token = bearer_token(authorization)
    if token is None or not secrets.compare_digest(token.encode(), expected.get_secret_value().encode()):
        raise AccessDenied(
            "jeton absent ou faux", where="Authorization", valid="Authorization: Bearer <token>"
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _error(send: Send, status: int, error: QfqError, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(error.to_dict(), ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


class Guards:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    def _limit(self, path: str) -> int:
        if path == UPLOAD_PATH:
            return self.settings.upload_max_bytes + MULTIPART_OVERHEAD
        return self.settings.body_max_bytes

    def _too_large(self, path: str, size: int | str) -> TooLarge:
        return TooLarge(
            f"corps de requête de {size} octets",
            where=path,
            valid=f"au plus {self._limit(path)} octets"
            + (" (QFQ_UPLOAD_MAX_BYTES)" if path == UPLOAD_PATH else " (QFQ_BODY_MAX_BYTES)"),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if method == "POST" and path == UPLOAD_PATH:
            try:  # before a byte of the body is read
                check_upload_token(self.settings, _header(scope, b"authorization"))
            except AccessDenied as exc:
                await _error(send, 403, exc)
                return
        limit = self._limit(path)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _error(send, 413, self._too_large(path, declared))
            return
        state = {"refused": False}
        send = self._with_headers(send, path, state)
        await self.app(scope, self._counting(receive, send, limit, path, state), send)

    def _counting(self, receive: Receive, send: Send, limit: int, path: str, state: dict) -> Receive:
        """A body sent without a length (chunked) is counted as it is read: past the limit the client gets the
        413 at once and the app sees the client gone (whatever it answers then is dropped)."""
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not state["refused"]:
                    await _error(send, 413, self._too_large(path, f"more than {limit}"))
                    state["refused"] = True
                if state["refused"]:
                    return {"type": "http.disconnect"}
            return message

        return counted

    @staticmethod
    def _with_headers(send: Send, path: str, state: dict) -> Send:
        page = path == "/" or path.startswith("/static/")
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if started and state["refused"]:
                return  # the 413 went out: the app's own answer is dropped
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k == b"x-content-type-options" for k, _ in headers):
                    headers += SECURITY_HEADERS
                if page:
                    headers.append((b"content-security-policy", PAGE_CSP))
                message = {**message, "headers": headers}
                started = True
            await send(message)

        return sending
