"""Security headers on every response: a strict Content-Security-Policy, nosniff, no referrer.

The UI serves its scripts and styles from /static only, so its policy allows nothing else. FastAPI's
/docs and /redoc pages load Swagger UI and ReDoc from a CDN with an inline script, so they get a
policy of their own that allows exactly that (see docs/ui.md). A response that already carries a
Content-Security-Policy keeps it: a page with stricter needs (the standalone briefing) sets its own.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UI_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (f"default-src 'self'; script-src 'self' 'unsafe-inline' {_CDN}; "
               f"style-src 'self' 'unsafe-inline' {_CDN} https://fonts.googleapis.com; "
               "font-src 'self' data: https://fonts.gstatic.com; "
               "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
               "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
               "form-action 'self'")
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
COMMON = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))


def policy_for(path: str) -> str:
    return DOCS_POLICY if path in DOCS_PATHS else UI_POLICY


class SecurityHeaders:
    """ASGI middleware (not BaseHTTPMiddleware, which would buffer every streamed body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = policy_for(scope["path"]).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in COMMON if name not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
