"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it receives.

    with FakeSmtpServer() as smtp:
        ...send to smtp.host, smtp.port (no STARTTLS)...
        assert smtp.messages[0].subject == ...

``reject_next`` makes the next transactions fail with a given reply, to test retries.
"""

import threading
from collections import deque
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Literal, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

Stage = Literal["rcpt", "data"]


@dataclass(frozen=True)
class ReceivedEmail:
    envelope_from: str
    envelope_to: tuple[str, ...]
    subject: str
    body: str  # the text/plain part, line endings normalised to "\n"
    message: EmailMessage  # everything else: headers, other parts
    authenticated_as: str | None  # the AUTH login, when the server asked for one


@dataclass(frozen=True)
class _Rejection:
    stage: Stage
    reply: str


class _Handler:
    def __init__(self, auth_required: bool) -> None:
        self.auth_required = auth_required
        self.lock = threading.Lock()
        self.messages: list[ReceivedEmail] = []
        self.rejections: deque[_Rejection] = deque()

    def _take_rejection(self, stage: Stage) -> str | None:
        with self.lock:
            if self.rejections and self.rejections[0].stage == stage:
                return self.rejections.popleft().reply
        return None

    async def handle_MAIL(  # aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        # Enforced here rather than with aiosmtpd's auth_required, which warns on every
        # connection when AUTH is allowed without TLS.
        if self.auth_required and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(  # aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if reply := self._take_rejection("rcpt"):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if reply := self._take_rejection("data"):
            return reply
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        received = ReceivedEmail(
            envelope_from=envelope.mail_from,
            envelope_to=tuple(envelope.rcpt_tos),
            subject=str(message["Subject"]),
            body=body.get_content().replace("\r\n", "\n") if body is not None else "",
            message=message,
            authenticated_as=session.login_data.decode() if session.login_data else None,
        )
        with self.lock:
            self.messages.append(received)
        return "250 Message accepted for delivery"


class _EphemeralPortController(Controller):
    """aiosmtpd's Controller needs a fixed port; learn the OS-chosen one after binding."""

    def _create_server(self) -> Any:
        create = super()._create_server()

        async def bind() -> Any:
            server = await create
            self.port = server.sockets[0].getsockname()[1]
            return server

        return bind()


class FakeSmtpServer:
    def __init__(self, credentials: dict[str, str] | None = None) -> None:
        """With ``credentials`` (user -> password) AUTH is required, over plain text."""
        self._handler = _Handler(auth_required=credentials is not None)
        auth: dict[str, Any] = {}
        if credentials is not None:
            auth = {"authenticator": _Authenticator(credentials), "auth_require_tls": False}
        self._controller = _EphemeralPortController(
            self._handler,
            hostname="127.0.0.1",
            port=0,
            server_hostname="fake-smtp.test",  # skips a slow FQDN lookup
            **auth,
        )

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def messages(self) -> list[ReceivedEmail]:
        with self._handler.lock:
            return list(self._handler.messages)

    def reject_next(
        self, count: int = 1, reply: str = "550 5.1.1 Mailbox unavailable", stage: Stage = "rcpt"
    ) -> None:
        """Answer the next ``count`` RCPT (or DATA) commands with ``reply``; 4xx is temporary."""
        with self._handler.lock:
            self._handler.rejections.extend(_Rejection(stage, reply) for _ in range(count))

    def clear(self) -> None:
        with self._handler.lock:
            self._handler.messages.clear()
            self._handler.rejections.clear()

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Authenticator:
    def __init__(self, credentials: dict[str, str]) -> None:
        self._credentials = credentials

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode()
        ok = self._credentials.get(user) == auth_data.password.decode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
