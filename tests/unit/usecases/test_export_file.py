"""The whole file as a PDF: the child, every entry with the child's words and body map,
corrections, and on every page who exported it, when, why and the chain head; the export
is in the access log with its purpose."""

import io

import pytest
from pypdf import PdfReader

from contracts.intake_v1 import BodyMark
from services.records.domain.corrections import CorrectionRequest
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.correct_entry import correct_entry
from services.records.usecases.export_file import export_file
from services.records.usecases.read_access_log import read_access_log
from services.records.usecases.record_pupil import record_pupil
from tests.support import events
from tests.support.records_ports import memory_records
from tests.unit.usecases.test_chronology import DSL, OAK, pupil_recorded


@pytest.fixture
def ports():
    return memory_records()


def text_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


async def test_the_pdf_holds_the_whole_file_and_every_page_names_exporter_time_and_head(ports):
    await record_pupil(ports, pupil_recorded(OAK, "Amelia"))
    raised = events.concern_raised(OAK, "P1")
    marked = raised.model_copy(
        update={
            "payload": raised.payload.model_copy(
                update={
                    "body_map": [
                        BodyMark(view="front", x=0.7, y=0.4, area="left_forearm", kind="bruise")
                    ]
                }
            )
        }
    )
    await add_to_chronology(ports, marked)
    for _ in range(30):
        await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    await correct_entry(
        ports,
        DSL,
        "P1",
        "file:1",
        CorrectionRequest(reason="Wrong day.", fields={"actions_taken": "x"}),
    )

    pdf = await export_file(ports, DSL, "P1", purpose="police copy, ref 22/123")

    pages = text_of(pdf)
    head = (await ports.store.files.head("oak/P1"))["hash"]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "Exported by dsl-1 (dsl) at 2026-03-10T09:30:00.000Z for police copy" in page
        assert head[:40] in page.replace(" ", "")
        assert f"Page {number} of {len(pages)}" in page
    whole = " ".join(pages)
    assert "Amelia Hart" in whole and "There was no food at home." in whole
    assert "Bruise on the left forearm (front)" in whole
    assert "Correction of entry file:1" in whole and "Wrong day." in whole
    assert "Every entry verified" in whole
    log = await read_access_log(ports, DSL, "P1")
    assert (log.entries[0]["action"], log.entries[0]["purpose"]) == (
        "file.exported",
        "police copy, ref 22/123",
    )
