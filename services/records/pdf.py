"""A child's file as a PDF (WeasyPrint, which lays out HTML with Pango), each page footed
with who exported it, when, why and the chain head. Rendering takes the CPU for a while
(hundreds of milliseconds for a long file), so it runs in a worker thread."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from services.records.domain.export import ExportedFile

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


class PdfRenderer:
    def __init__(self) -> None:
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=ChainableUndefined,  # entries of every kind: absent fields print nothing
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["label"] = _label

    def html(self, exported: ExportedFile) -> str:
        return self._env.get_template("file_pdf.html").render(f=exported)

    async def render(self, exported: ExportedFile) -> bytes:
        return await asyncio.to_thread(self.render_now, exported)

    def render_now(self, exported: ExportedFile) -> bytes:
        from weasyprint import HTML  # imported when first used: it takes a second

        document: Any = HTML(string=self.html(exported))
        return bytes(document.write_pdf())
