"""Sender secrets are stored sealed, open only with the right key, and survive a rotation."""

import pytest
from cryptography.fernet import Fernet

from services.intake.secret_box import SecretBox, SecretUnreadable

SECRET = "k3Y-" + "x" * 40


def test_a_sealed_secret_does_not_show_and_opens_again():
    box = SecretBox([Fernet.generate_key()])
    sealed = box.seal(SECRET)
    assert SECRET not in sealed
    assert box.open(sealed) == SECRET.encode()


def test_another_key_cannot_open_it():
    sealed = SecretBox([Fernet.generate_key()]).seal(SECRET)
    with pytest.raises(SecretUnreadable):
        SecretBox([Fernet.generate_key()]).open(sealed)


def test_an_altered_or_empty_seal_is_unreadable():
    box = SecretBox([Fernet.generate_key()])
    sealed = box.seal(SECRET)
    for bad in (sealed[:-4] + "AAAA", ""):
        with pytest.raises(SecretUnreadable):
            box.open(bad)


def test_after_a_rotation_old_seals_still_open():
    old, new = Fernet.generate_key(), Fernet.generate_key()
    sealed_before = SecretBox([old]).seal(SECRET)
    rotated = SecretBox([new, old])
    assert rotated.open(sealed_before) == SECRET.encode()
    with pytest.raises(SecretUnreadable):  # new seals use the newest key only
        SecretBox([old]).open(rotated.seal(SECRET))


def test_a_malformed_key_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="not a Fernet key"):
        SecretBox([b"too-short"])
