"""What records keeps of what the DSL knows of a child: a concern naming other pupils gives
each of them an entry about their own part only; the child's context is in the
chronology; while the address is withheld no one but a DSL reads an address in the file,
and the PDF (also a transfer's) says so on its first page."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from contracts.case_v1 import CONTEXT_CHANGED, ContextChanged
from contracts.child_context import ChildContext, flags_of
from contracts.envelope import Actor, Subject
from services.common.events import make_envelope
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.export_file import export_file
from services.records.usecases.read_chronology import read_chronology
from tests.support import events
from tests.support.records_ports import memory_records
from tests.unit.usecases.test_chronology import DSL, OAK, TRUST_LEAD

AT = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
REFUGE = {
    "address": "Safe House, 1 Hidden Lane",
    "address_withheld": {"reason": "Fled domestic abuse to a refuge."},
    "send": {"ehcp": True},
    "parental_responsibility": [
        {
            "name": "Jo Hart",
            "relationship": "mother",
            "contact": {"phone": "07700 900123", "address": "Safe House, 1 Hidden Lane"},
            "has_parental_responsibility": True,
        }
    ],
}


@pytest.fixture
def ports():
    return memory_records()


def context_changed(body: dict, version: int = 1):
    context = ChildContext.model_validate(body)
    return make_envelope(
        CONTEXT_CHANGED,
        ContextChanged(
            pupil_id="P1",
            version=version,
            context=context,
            changed=list(body),
            flags=flags_of(context),
            changed_at=AT,
        ),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=Actor(kind="user", id="dsl-1", role="dsl"),
    )


async def test_each_named_pupil_gets_an_entry_about_their_own_part_only(ports):
    raised = events.concern_raised(
        OAK,  # type: ignore[arg-type]
        "P1",
        categories=["sexual_harassment"],
        other_pupils_involved=[
            {"pupil_id": "P2", "part": "alleged_perpetrator"},
            {"pupil_id": "P3", "part": "witness"},
        ],
    )
    await add_to_chronology(ports, raised)
    await add_to_chronology(ports, raised)  # redelivered: nothing twice

    [subjects] = (await read_chronology(ports, DSL, "P1")).entries
    assert subjects["record"]["content"]["child_words"] == "There was no food at home."
    for pupil, part in (("P2", "alleged_perpetrator"), ("P3", "witness")):
        [entry] = (await read_chronology(ports, DSL, pupil)).entries
        record = entry["record"]
        assert (record["kind"], record["pupil_id"], record["source_id"]) == (
            "involvement",
            pupil,
            raised.payload.concern_id,
        )
        assert record["content"] == {
            "concern_id": raised.payload.concern_id,
            "part": part,
            "categories": ["sexual_harassment"],
            "received_at": record["occurred_at"],
        }
        words = str(record)
        for private in (
            "no food",
            "hungry",
            "Breakfast club",
            "P1",
            "P2" if pupil == "P3" else "P3",
        ):
            assert private not in words


async def test_the_trust_lead_reads_withheld_where_the_file_holds_an_address(ports):
    await add_to_chronology(ports, context_changed({"address": "12 Old Road"}, version=1))
    await add_to_chronology(ports, context_changed(REFUGE, version=2))

    as_dsl = await read_chronology(ports, DSL, "P1")
    as_lead = await read_chronology(ports, TRUST_LEAD, "P1", school_id="oak")

    assert as_dsl.address_withheld == as_lead.address_withheld == "Fled domestic abuse to a refuge."
    assert "Hidden Lane" in str(as_dsl.entries)
    assert "Hidden Lane" not in str(as_lead.entries) and "Old Road" not in str(as_lead.entries)
    latest = as_lead.entries[-1]["record"]["content"]["context"]
    assert latest["address"] == "withheld"
    assert latest["parental_responsibility"][0]["contact"]["phone"] == "07700 900123"


async def test_an_address_no_longer_withheld_is_read_again(ports):
    await add_to_chronology(ports, context_changed(REFUGE, version=1))
    await add_to_chronology(ports, context_changed({"address": "3 New Street"}, version=2))
    as_lead = await read_chronology(ports, TRUST_LEAD, "P1", school_id="oak")
    assert as_lead.address_withheld is None
    assert "3 New Street" in str(as_lead.entries)


def text_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


async def test_the_pdf_flags_a_withheld_address_on_its_first_page(ports):
    await add_to_chronology(ports, events.concern_raised(OAK, "P1"))  # type: ignore[arg-type]
    await add_to_chronology(ports, context_changed(REFUGE))

    first, *_ = text_of(await export_file(ports, DSL, "P1"))
    assert "ADDRESS WITHHELD" in first and "Fled domestic abuse to a refuge." in first
    assert "SEND yes, with an EHC plan" in first
    assert "Hidden Lane" in " ".join(text_of(await export_file(ports, DSL, "P1")))

    by_lead = " ".join(text_of(await export_file(ports, TRUST_LEAD, "P1", school_id="oak")))
    assert "ADDRESS WITHHELD" in by_lead and "Hidden Lane" not in by_lead
