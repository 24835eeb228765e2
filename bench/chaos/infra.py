"""The runner's own store, broker and service processes, so that it can kill them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.stack import ServiceProcess, TestStack, free_port

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(check: object, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout} s")
        time.sleep(0.2)


class PrivateFerretDB:
    """FerretDB (the launcher `make up` builds) on its own port and data directory."""

    def __init__(self, binary: Path, home: Path) -> None:
        self.binary = binary
        self.home = home
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self) -> None:
        (self.home / "data").mkdir(parents=True, exist_ok=True)
        log = (self.home / "ferretdb.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(self.binary),
                *("-listen", f"127.0.0.1:{self.port}"),
                *("-data", str(self.home / "data")),
                *("-synchronous", "normal"),  # as `make up` runs it
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: port_open(self.port), "FerretDB", 60)

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


class PrivateRabbitMQ:
    """A RabbitMQ node of its own: its own node name, ports, data, logs and Erlang cookie
    (as deploy/rabbitmq/env.sh sets up the local node, with other values)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"harbour-chaos-{uuid.uuid4().hex[:8]}@localhost"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def pid_file(self) -> Path:
        return self.home / "rabbitmq.pid"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "HARBOUR_"))}
        env.update(
            {
                "HOME": str(self.home),
                "RABBITMQ_CONF_ENV_FILE": "/dev/null",
                "RABBITMQ_NODENAME": self.node,
                "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(self.home / "mnesia"),
                "RABBITMQ_LOG_BASE": str(self.home / "log"),
                "RABBITMQ_PID_FILE": str(self.pid_file),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.home / "enabled_plugins"),
                "RABBITMQ_CONFIG_FILE": str(self.home / "rabbitmq.conf"),
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": (
                    "-kernel inet_dist_use_interface {127,0,0,1}"
                ),
                "ERL_EPMD_ADDRESS": "127.0.0.1",
            }
        )
        return env

    def start(self) -> None:
        for sub in ("mnesia", "log"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        (self.home / "enabled_plugins").write_text("[].\n")
        (self.home / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n"
            "log.console = false\n"
            "log.file.level = warning\n"
            "disk_free_limit.absolute = 200MB\n"
        )
        self.pid_file.unlink(missing_ok=True)
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            [str(RABBIT_BIN / "rabbitmq-server")],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.pid_file.exists, "RabbitMQ's pid file", 120)
        self.ctl("wait", "--timeout", "300", str(self.pid_file), timeout=320)
        wait_for(lambda: port_open(self.port), "RabbitMQ's AMQP port", 120)

    def ctl(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-q", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        return result.stdout

    def kill(self) -> None:
        """kill -9 of the Erlang VM (the node's pid file names it)."""
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
            os.kill(int(self.pid_file.read_text().strip()), signal.SIGKILL)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.ctl("stop", str(self.pid_file), timeout=60)
            self.process.wait(60)
            self.process = None
        except (subprocess.SubprocessError, OSError):
            self.kill()


@dataclass
class ChaosStack(TestStack):
    """The services against the private broker and store (no vhost or database to clean
    up: the whole store and broker go at the end)."""

    broker_url: str = ""
    store_url: str = ""
    killed: list[str] = field(default_factory=list)

    @property
    def rabbit_url(self) -> str:
        return self.broker_url

    def base_env(self) -> dict[str, str]:
        env = super().base_env()
        env["HARBOUR_MONGO_URL"] = self.store_url
        return env

    def create(self) -> None:
        self.run_log_dir.mkdir(parents=True, exist_ok=True)

    def destroy(self) -> None:
        for service in self.services.values():
            try:
                service.stop()
            except Exception:
                service.kill()


def restart(process: ServiceProcess, timeout: float = 300) -> None:
    process.start(wait=False)
    process.wait_ready(timeout=timeout)
