"""A TCP proxy the runner owns, between one service and the broker, to cut that service's
broker connection without killing it: `cut(seconds)` closes every connection through it
and refuses new ones until the time is up."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from tests.support.stack import free_port


class TcpProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._cut_until = 0.0
        self._thread = threading.Thread(target=self._serve, name="chaos-proxy", daemon=True)
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def url_for(self, broker_url: str) -> str:
        return broker_url.replace(f":{self.target_port}/", f":{self.port}/")

    def cut(self, seconds: float) -> None:
        """Close every connection now and refuse new ones for `seconds` (thread-safe)."""
        done = threading.Event()

        def now() -> None:
            self._cut_until = self._loop.time() + seconds
            for writer in list(self._writers):
                writer.close()
            done.set()

        self._loop.call_soon_threadsafe(now)
        done.wait(5)

    def stop(self) -> None:
        async def shut_down() -> None:
            for writer in list(self._writers):
                writer.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(shut_down(), self._loop)
        self._thread.join(5)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._loop.time() < self._cut_until:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._writers -= {writer, up_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
