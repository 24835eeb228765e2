"""A real HTTP server on 127.0.0.1 that plays a GOV.UK Notify-style gateway.

    with FakeGateway() as gateway:
        ...POST to f"{gateway.base_url}/v2/notifications/sms"...
        assert gateway.requests[0].json["phone_number"] == ...

``POST /v2/notifications/{sms,push}`` answers 201 with ``{"id": ..., "reference": ...}``;
anything else 404. ``fail_next`` and ``delay_next`` script failures for retry tests;
``fail_recipient`` fails every request to one phone number or push endpoint.
"""

import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

NOTIFICATION_PATHS = frozenset({"/v2/notifications/sms", "/v2/notifications/push"})


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    json: Any  # None when the body was not JSON
    notification_id: str | None  # what the gateway answered, if it accepted


@dataclass(frozen=True)
class _Script:
    status: int | None = None  # None: answer normally
    delay_seconds: float = 0.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[ReceivedRequest] = []
        self.scripts: deque[_Script] = deque()
        self.failing: dict[str, int] = {}  # recipient -> status
        self.stopping = threading.Event()

    def record(self, request: ReceivedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    def next_script(self, payload: Any) -> _Script:
        with self.lock:
            if isinstance(payload, dict):
                for field in ("phone_number", "push_endpoint"):
                    status = self.failing.get(str(payload.get(field)))
                    if status is not None:
                        return _Script(status=status)
            return self.scripts.popleft() if self.scripts else _Script()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # http.server hook name
        self._handle()

    def do_GET(self) -> None:  # http.server hook name
        self._handle()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        payload = _parse_json(body)
        script = self.server.next_script(payload)
        status, notification_id, response = self._answer(script, payload)
        self.server.record(
            ReceivedRequest(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                json=payload,
                notification_id=notification_id,
            )
        )
        # An interruptible sleep, so stopping the server never waits for a slow answer.
        if script.delay_seconds and self.server.stopping.wait(script.delay_seconds):
            return
        self._send(status, response)

    def _answer(self, script: _Script, payload: Any) -> tuple[int, str | None, dict[str, Any]]:
        if script.status is not None:
            return script.status, None, _error(script.status, "scripted failure")
        if self.command != "POST" or self.path not in NOTIFICATION_PATHS:
            return 404, None, _error(404, "Not found")
        notification_id = str(uuid.uuid4())
        reference = payload.get("reference") if isinstance(payload, dict) else None
        return 201, notification_id, {"id": notification_id, "reference": reference}

    def _send(self, status: int, response: dict[str, Any]) -> None:
        data = json.dumps(response).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. a timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeGateway:
    def __init__(self) -> None:
        self._server = _Server()
        # A short poll interval keeps stop() (and so every test teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._server.lock:
            return list(self._server.requests)

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status`` and a Notify-style error."""
        self._script(count, _Script(status=status))

    def fail_recipient(self, recipient: str, status: int = 500) -> None:
        """Answer every request to this phone number or push endpoint with ``status``."""
        with self._server.lock:
            self._server.failing[recipient] = status

    def delay_next(self, seconds: float, count: int = 1) -> None:
        """Hold the next ``count`` answers for ``seconds``, to trip client timeouts."""
        self._script(count, _Script(delay_seconds=seconds))

    def clear(self) -> None:
        with self._server.lock:
            self._server.requests.clear()
            self._server.scripts.clear()
            self._server.failing.clear()

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _script(self, count: int, script: _Script) -> None:
        with self._server.lock:
            self._server.scripts.extend(script for _ in range(count))


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _error(status: int, message: str) -> dict[str, Any]:
    name = "BadRequestError" if status < 500 else "ServerError"
    return {"status_code": status, "errors": [{"error": name, "message": message}]}
