"""Registering a police sender: only a trust-wide admin of every trust it names; the
secret is kept sealed and never given back."""

import pytest

from services.common.errors import Forbidden, Invalid, NotFound
from services.intake.domain.senders import SenderRegistration
from services.intake.usecases.register_sender import read_sender, register_sender
from tests.unit.usecases.intake_ports import memory_intake, person

SECRET = "k3Y-" + "x" * 40
SEVERN_ADMIN = person("admin", trust="severn")


def registration(*trust_ids: str, secret: str = SECRET) -> SenderRegistration:
    return SenderRegistration.model_validate(
        {"name": "West Mercia Police", "secret": secret, "trust_ids": list(trust_ids)}
    )


@pytest.fixture
def ports():
    return memory_intake()[0]


async def test_a_sender_is_stored_with_its_secret_sealed(ports):
    registered = await register_sender(ports, SEVERN_ADMIN, "wm", registration("severn"))

    assert registered.created
    assert registered.sender == {
        "_id": "wm",
        "name": "West Mercia Police",
        "trust_ids": ["severn"],
        "updated_at": ports.clock.now(),
        "updated_by": SEVERN_ADMIN.user_id,
    }
    stored = await ports.store.sender("wm")
    assert SECRET not in str(stored)
    assert ports.secret_box.open(stored["secret_sealed"]) == SECRET.encode()


async def test_a_new_secret_replaces_the_old_one(ports):
    await register_sender(ports, SEVERN_ADMIN, "wm", registration("severn"))
    await ports.store.senders.update_one({"_id": "wm"}, {"$set": {"secret": "plain, from before"}})
    again = await register_sender(
        ports, SEVERN_ADMIN, "wm", registration("severn", secret="n" * 40)
    )

    assert not again.created
    stored = await ports.store.sender("wm")
    assert "secret" not in stored
    assert ports.secret_box.open(stored["secret_sealed"]) == b"n" * 40
    assert stored["version"] == 2


async def test_only_a_trust_wide_admin_registers_senders(ports):
    with pytest.raises(Forbidden):
        await register_sender(
            ports, person("admin", school="oak", trust="severn"), "wm", registration("severn")
        )


async def test_an_admin_names_only_the_trusts_they_administer(ports):
    with pytest.raises(Invalid) as refused:
        await register_sender(ports, SEVERN_ADMIN, "wm", registration("severn", "malvern"))
    assert refused.value.field == "trust_ids"
    assert await ports.store.sender("wm") is None


async def test_another_trusts_sender_is_not_there_to_change_or_read(ports):
    await register_sender(ports, person("admin", trust="malvern"), "wm", registration("malvern"))
    with pytest.raises(NotFound):
        await register_sender(ports, SEVERN_ADMIN, "wm", registration("severn"))
    with pytest.raises(NotFound):
        await read_sender(ports, SEVERN_ADMIN, "wm")


async def test_reading_a_sender_back_never_includes_the_secret(ports):
    await register_sender(ports, SEVERN_ADMIN, "wm", registration("severn"))
    sender = await read_sender(ports, SEVERN_ADMIN, "wm")
    assert "secret_sealed" not in sender
    assert sender["trust_ids"] == ["severn"]
