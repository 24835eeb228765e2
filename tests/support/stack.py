"""Service processes for integration tests, isolated from a running `make up` stack.

Each test session gets its own RabbitMQ virtual host and its own database prefix on the
broker and store that `make up` started, and runs the real service processes (the same
`python -m services.<name>.main` as production) on free ports, so tests can kill and
restart them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parents[2]
RABBIT_CTL = ROOT / "deploy" / "rabbitmq" / "ctl.sh"
SERVICES = ("intake", "case", "notification", "records")
WEB = "web"  # holds no data: not in SERVICES, whose databases a run drops


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rabbitmqctl(*args: str) -> str:
    result = subprocess.run(
        [str(RABBIT_CTL), "rabbitmqctl", "-q", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def _started(readyz: httpx.Response) -> bool:
    """Up and connected to its store and broker. A service that reaches both may still
    answer 503 for what another test did (a dead-letter queue that grew a moment ago)."""
    if readyz.status_code == 200:
        return True
    try:
        report = readyz.json()
    except ValueError:
        return False
    return readyz.status_code == 503 and report.get("store") == report.get("broker") == "ok"


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    argv: list[str] | None = None  # instead of `python -m services.<name>.main`

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, wait: bool = True) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv or [sys.executable, "-m", f"services.{self.name}.main"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                if _started(httpx.get(f"{self.url}/readyz", timeout=2)):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready after {timeout}s; see {self.log_path}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None:
            return
        self.process.send_signal(sig)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


@dataclass
class TestStack:
    """The four services in a private vhost and database prefix."""

    __test__ = False  # a fixture's type, not a test class

    log_dir: Path
    settings: dict[str, str] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    @property
    def vhost(self) -> str:
        return f"harbour-test-{self.run_id}"

    @property
    def db_prefix(self) -> str:
        return f"t{self.run_id}_"

    @property
    def rabbit_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"

    @property
    def run_log_dir(self) -> Path:
        return self.log_dir / self.run_id

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HARBOUR_")}
        env.update(
            {
                "HARBOUR_RABBIT_URL": self.rabbit_url,
                "HARBOUR_MONGO_URL": os.environ.get(
                    "HARBOUR_MONGO_URL", "mongodb://127.0.0.1:27017/"
                ),
                "HARBOUR_DB_PREFIX": self.db_prefix,
                "HARBOUR_DATA_DIR": str(ROOT / ".data"),
                "HARBOUR_RELAY_POLL_SECONDS": "0.2",
                "HARBOUR_HANDLER_RETRY_SECONDS": "3",
                "HARBOUR_SCHEDULER_INTERVAL_SECONDS": "0.3",
                "HARBOUR_LOG_LEVEL": "INFO",
                # As in production: tests mint tokens with `amr: ["mfa"]` for safeguarding
                # roles (tests.support.api.token) and prove the refusal without it.
                "HARBOUR_REQUIRE_MFA": "true",
                # Tests and `make bench` (300 concerns/s from a few users) must not be
                # throttled; tests/integration/test_rate_limits.py runs its own low limits.
                "HARBOUR_RATE_LIMIT_USER_PER_MINUTE": "10000000",
                "HARBOUR_RATE_LIMIT_USER_BURST": "1000000",
                "HARBOUR_RATE_LIMIT_ADDRESS_PER_MINUTE": "10000000",
                "HARBOUR_RATE_LIMIT_ADDRESS_BURST": "1000000",
            }
        )
        env.update(self.settings)
        return env

    def create(self) -> None:
        from services.common.dev_keys import ensure_data_keys, ensure_transfer_signing_key

        ensure_transfer_signing_key(ROOT / ".data" / "keys")  # records signs bundles with it
        ensure_data_keys(ROOT / ".data" / "keys")  # every service seals free text with it
        rabbitmqctl("add_vhost", self.vhost)
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        self.run_log_dir.mkdir(parents=True, exist_ok=True)

    def add(self, name: str, instance: str = "", **overrides: str) -> ServiceProcess:
        key = name + (f"-{instance}" if instance else "")
        port = free_port()
        env = self.base_env()
        env[f"HARBOUR_{name.upper()}_PORT"] = str(port)
        env.update(overrides)
        service = ServiceProcess(name, port, env, self.run_log_dir / f"{key}.log")
        self.services[key] = service
        return service

    def start_all(self) -> None:
        for name in SERVICES:
            self.add(name).start(wait=False)
        for name in SERVICES:
            self.services[name].wait_ready()

    def add_web(self, **overrides: str) -> ServiceProcess:
        """The web pages over this stack's four services, with dev sign-in."""
        from cryptography.fernet import Fernet

        return self.add(
            WEB,
            HARBOUR_INTAKE_URL=self.url("intake"),
            HARBOUR_CASE_URL=self.url("case"),
            HARBOUR_NOTIFICATION_URL=self.url("notification"),
            HARBOUR_RECORDS_URL=self.url("records"),
            HARBOUR_DEV_LOGIN="true",
            HARBOUR_WEB_SESSION_KEY=Fernet.generate_key().decode(),
            HARBOUR_WEB_INBOX_REFRESH_SECONDS="2",
            **overrides,
        )

    def __getitem__(self, key: str) -> ServiceProcess:
        return self.services[key]

    def url(self, key: str) -> str:
        return self.services[key].url

    def destroy(self) -> None:
        for service in self.services.values():
            try:
                service.stop()
            except Exception:
                service.kill()
        with contextlib.suppress(subprocess.CalledProcessError):
            rabbitmqctl("delete_vhost", self.vhost)
        self.drop_databases()

    def drop_databases(self) -> None:
        client: MongoClient[dict[str, object]] = MongoClient(
            self.base_env()["HARBOUR_MONGO_URL"], serverSelectionTimeoutMS=5000
        )
        try:
            for service in SERVICES:
                client.drop_database(f"{self.db_prefix}{service}")
        finally:
            client.close()
