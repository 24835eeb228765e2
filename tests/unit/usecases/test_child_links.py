"""Links between children are symmetric: written on both children's cases, each side
from its own child's view, each with its event; linking again is the same link; removing
one removes both sides with the reason; a link across schools only by the trust lead; a
side lost to a crash is restored from the other side's event; a concern naming other
pupils links each to its child as the same incident."""

from collections.abc import Awaitable, Callable

import pytest

from contracts.case_v1 import CONTEXT_CHANGED, LINK_ADDED, LINK_REMOVED
from contracts.child_context import ChildContext
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.domain.links import LinkRemoval, LinkRequest
from services.case.usecases.involve_named_children import concern_named_children
from services.case.usecases.link_children import (
    link_children,
    mirror_added,
    mirror_removed,
    remove_link,
)
from services.case.usecases.set_context import set_context
from services.common.errors import EditConflict, Forbidden, Invalid, NotFound
from tests.support import case_world
from tests.support.case_world import DSL, HEAD, OAK, TRUST_LEAD, SchoolIds, on_roll, person
from tests.support.memory import outbox_of

ASH = SchoolIds("ash", OAK.trust_id)  # another school of Oak's trust


async def _world():
    ports, relay = await case_world.memory_case()
    await ports.store.record_school(
        "ash", OAK.trust_id, "Ash Academy", as_of=case_world.KNOWN_SINCE
    )
    for pupil in ("P1", "P2", "P3"):
        await on_roll(ports, pupil)
    await on_roll(ports, "A1", ASH)
    return ports, relay


async def _links(ports, school: str, pupil: str) -> list[dict]:
    case = await ports.store.case(school, pupil)
    return (case or {}).get("links", [])


async def _outbox_events(ports, case_id: str):
    case = await ports.store.cases.find_one({"_id": case_id})
    return [decode(e["body"].encode()) for e in case["outbox"]]


async def test_a_link_is_kept_on_both_cases_each_side_from_its_childs_view():
    ports, _ = await _world()
    request = LinkRequest(other_pupil_id="P2", kind="victim_of", note="Same class.")
    side = await link_children(ports, DSL, "P1", request, "key-1")

    [mine] = await _links(ports, "oak", "P1")
    [theirs] = await _links(ports, "oak", "P2")
    assert mine["link_id"] == theirs["link_id"] == side["link_id"]
    assert (mine["other_pupil_id"], mine["kind"]) == ("P2", "victim_of")
    assert (theirs["other_pupil_id"], theirs["kind"]) == ("P1", "alleged_perpetrator_of")
    assert theirs["note"] == "Same class."
    for case_id in ("oak/P1", "oak/P2"):
        assert await outbox_of(ports.store.cases, case_id) == [LINK_ADDED]


async def test_linking_again_is_the_same_link_with_or_without_the_key():
    ports, _ = await _world()
    request = LinkRequest(other_pupil_id="P2", kind="sibling")
    first = await link_children(ports, DSL, "P1", request, "key-1")
    retried = await link_children(ports, DSL, "P1", request, "key-1")
    again = await link_children(ports, DSL, "P1", request)
    from_the_other_side = await link_children(
        ports, DSL, "P2", LinkRequest(other_pupil_id="P1", kind="sibling")
    )

    assert (
        first["link_id"] == retried["link_id"] == again["link_id"] == from_the_other_side["link_id"]
    )
    assert len(await _links(ports, "oak", "P1")) == len(await _links(ports, "oak", "P2")) == 1
    assert await outbox_of(ports.store.cases, "oak/P1") == [LINK_ADDED]


async def test_removing_a_link_removes_both_sides_with_the_reason():
    ports, _ = await _world()
    side = await link_children(
        ports, DSL, "P1", LinkRequest(other_pupil_id="P2", kind="same_household")
    )
    ports.clock.advance(days=3)
    gone = await remove_link(ports, DSL, "P2", side["link_id"], LinkRemoval(reason="Moved out."))
    again = await remove_link(ports, DSL, "P1", side["link_id"], LinkRemoval(reason="Twice."))

    for pupil in ("P1", "P2"):
        [link] = await _links(ports, "oak", pupil)
        assert (link["status"], link["removal_reason"]) == ("removed", "Moved out.")
        assert await outbox_of(ports.store.cases, f"oak/{pupil}") == [LINK_ADDED, LINK_REMOVED]
    assert gone["removed_at"] == again["removed_at"] == ports.clock.now()
    relinked = await link_children(
        ports, DSL, "P1", LinkRequest(other_pupil_id="P2", kind="same_household")
    )
    assert relinked["link_id"] != side["link_id"]  # a new link, the old one kept as it was


async def test_bad_links_are_refused_naming_the_field():
    ports, _ = await _world()
    for other in ("P1", "nobody", "A1"):
        with pytest.raises(Invalid) as refused:
            await link_children(ports, DSL, "P1", LinkRequest(other_pupil_id=other, kind="sibling"))
        assert refused.value.field == "other_pupil_id"
    assert await _links(ports, "oak", "P1") == []


async def test_a_school_dsl_may_not_link_across_schools_and_others_may_not_link_at_all():
    ports, _ = await _world()
    across = LinkRequest(other_pupil_id="A1", kind="sibling", other_school_id="ash")
    with pytest.raises(Forbidden):
        await link_children(ports, DSL, "P1", across)
    for who in (HEAD, person("teacher-1", Role.STAFF)):
        with pytest.raises(NotFound):
            await link_children(ports, who, "P1", LinkRequest(other_pupil_id="P2", kind="sibling"))
    assert await _links(ports, "oak", "P1") == []


async def test_the_trust_lead_links_children_of_two_schools_of_the_trust():
    ports, _ = await _world()
    across = LinkRequest(other_pupil_id="A1", kind="sibling", other_school_id="ash")
    with pytest.raises(Invalid) as unnamed:
        await link_children(ports, TRUST_LEAD, "P1", across)
    assert unnamed.value.field == "school_id"
    side = await link_children(ports, TRUST_LEAD, "P1", across, school_id="oak")

    [theirs] = await _links(ports, "ash", "A1")
    assert (theirs["other_school_id"], theirs["other_pupil_id"]) == ("oak", "P1")
    assert side["other_school_id"] == "ash"
    elsewhere = LinkRequest(other_pupil_id="P1", kind="sibling", other_school_id="elm")
    with pytest.raises(Invalid):  # not a school of the trust: the same as no such pupil
        await link_children(ports, TRUST_LEAD, "P2", elsewhere, school_id="oak")
    with pytest.raises(Forbidden):  # the school's DSL sees it but may not remove it
        await remove_link(ports, DSL, "P1", side["link_id"], LinkRemoval(reason="No."))


async def test_a_side_lost_between_the_two_writes_is_restored_from_the_others_event():
    ports, _ = await _world()
    side = await link_children(ports, DSL, "P1", LinkRequest(other_pupil_id="P2", kind="sibling"))
    # As a process that stopped between the writes left it (the version moved on, so this
    # process's copy of the case is not taken for the stored one).
    lost = {"$set": {"links": []}, "$inc": {"version": 1}}
    await ports.store.cases.update_one({"_id": "oak/P2"}, lost)

    [added] = await _outbox_events(ports, "oak/P1")
    await redone(lambda: mirror_added(ports, added))
    await mirror_added(ports, added)  # redelivered

    [restored] = await _links(ports, "oak", "P2")
    assert (restored["link_id"], restored["kind"]) == (side["link_id"], "sibling")
    await remove_link(ports, DSL, "P1", side["link_id"], LinkRemoval(reason="Error."))
    await ports.store.cases.update_one(
        {"_id": "oak/P2"}, {"$set": {"links": [restored]}, "$inc": {"version": 1}}
    )
    removed = (await _outbox_events(ports, "oak/P1"))[-1]
    await redone(lambda: mirror_removed(ports, removed))
    assert (await _links(ports, "oak", "P2"))[0]["status"] == "removed"


async def redone(handle: Callable[[], Awaitable[object]]) -> None:
    """As a consumer handles an event: a case written meanwhile by another process makes
    this process's edit a conflict, and the redo reads the stored case."""
    with pytest.raises(EditConflict):
        await handle()
    await handle()


async def test_a_concern_naming_other_pupils_links_each_as_the_same_incident_once():
    ports, _ = await _world()
    concern = case_world.concern_raised(
        ports.clock.now(),
        other_pupils_involved=[
            {"pupil_id": "P2", "part": "alleged_perpetrator"},
            {"pupil_id": "P3", "part": "witness"},
        ],
    )
    await concern_named_children(ports, concern)
    await concern_named_children(ports, concern)  # redelivered

    mine = await _links(ports, "oak", "P1")
    assert [(link["other_pupil_id"], link["kind"]) for link in mine] == [
        ("P2", "same_incident"),
        ("P3", "same_incident"),
    ]
    [perpetrator] = await _links(ports, "oak", "P2")
    [witness] = await _links(ports, "oak", "P3")
    assert (perpetrator["part"], witness["part"]) == ("alleged_perpetrator", "witness")
    assert perpetrator["source_id"] == concern.payload.concern_id
    for pupil in ("P2", "P3"):  # a case opened for each named child
        assert (await ports.store.case("oak", pupil))["status"] == "open"
        assert await outbox_of(ports.store.cases, f"oak/{pupil}") == [LINK_ADDED]
    assert await outbox_of(ports.store.cases, "oak/P1") == [LINK_ADDED, LINK_ADDED]


async def test_the_longest_ids_make_valid_events():
    ports, _ = await _world()
    longest = "L" * 64
    await on_roll(ports, longest)
    await link_children(ports, DSL, longest, LinkRequest(other_pupil_id="P2", kind="sibling"))
    await set_context(ports, DSL, longest, ChildContext(young_carer=True))
    case = await ports.store.cases.find_one({"_id": f"oak/{longest}"})
    assert [e["event_type"] for e in case["outbox"]] == [LINK_ADDED, CONTEXT_CHANGED]
    assert all(len(decode(e["body"].encode()).correlation_id) <= 64 for e in case["outbox"])
