"""The transfer bundle: signed with the deployment's Ed25519 key over the file's JSON and
PDF, refused naming what failed when anything in it changes, down to one flipped byte."""

import io
import json
import zipfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.records.domain.bundle import (
    TransferKeys,
    build_bundle,
    check_bundle,
    file_document,
    pack,
    public_key_from,
)
from services.records.domain.chain import Head, next_entry

KEYS = TransferKeys(Ed25519PrivateKey.generate())
PDF = b"%PDF-1.7 a child protection file"


def chains():
    entries, head = [], Head()
    for words in ("There was no food at home.", "My brother grabbed me."):
        entry = next_entry(head, {"kind": "event", "content": {"child_words": words}})
        entries.append(entry)
        head = Head(entry["seq"], entry["hash"])
    return {"file": entries}, head


def bundle(keys=KEYS):
    found, head = chains()
    file_json = file_document(
        transfer_id="tr1",
        exported_at="2026-03-10T09:30:00.000Z",
        origin={"school_id": "oak", "school_name": "Oak Primary"},
        child={"pupil_id": "P1", "forename": "Amelia"},
        chains=found,
        head=head,
    )
    return build_bundle(file_json, PDF, keys)


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_a_bundle_as_signed_checks_out_with_its_own_or_the_trusted_key():
    data = bundle()

    checked = check_bundle(data, trusted_key=KEYS.public_raw)

    assert checked.ok, checked.problems
    assert checked.signer == KEYS.key_id
    assert checked.file["child"]["forename"] == "Amelia"
    assert checked.verdict.valid and checked.verdict.entries == 2
    assert public_key_from(KEYS.public_view()["pem"]) == KEYS.public_raw
    assert public_key_from(KEYS.public_view()["public_key"]) == KEYS.public_raw


def test_one_flipped_byte_anywhere_in_the_bundle_is_refused():
    data = bundle()
    for position in range(len(data)):
        altered = bytearray(data)
        altered[position] ^= 0x01
        assert not check_bundle(bytes(altered)).ok, f"byte {position} not caught"


def test_each_altered_member_is_named():
    original = members(bundle())
    document = json.loads(original["file.json"])
    document["chains"]["file"][0]["record"]["content"]["child_words"] = "I fell over."

    json_changed = check_bundle(pack({**original, "file.json": json.dumps(document).encode()}))
    pdf_changed = check_bundle(pack({**original, "file.pdf": PDF + b" "}))

    assert json_changed.problems == ["file.json is not the one that was signed (it was altered)"]
    assert pdf_changed.problems == ["file.pdf is not the one that was signed (it was altered)"]


def test_a_bundle_re_signed_by_another_key_is_refused_when_the_sender_key_is_trusted():
    forged = bundle(TransferKeys(Ed25519PrivateKey.generate()))

    checked = check_bundle(forged, trusted_key=KEYS.public_raw)

    assert not checked.ok
    assert "not by the key you trust" in checked.problems[0]


def test_a_chain_that_does_not_verify_is_refused_even_when_signed():
    found, head = chains()
    found["file"][1]["record"]["content"]["child_words"] = "I fell over."
    file_json = file_document(
        transfer_id="tr1",
        exported_at="2026-03-10T09:30:00.000Z",
        origin={},
        child={"pupil_id": "P1"},
        chains=found,
        head=head,
    )

    checked = check_bundle(build_bundle(file_json, PDF, KEYS))

    assert checked.problems == [
        "the file's chain file does not verify at entry 2: the entry's content was changed"
    ]


def test_not_a_bundle_at_all_is_named_as_such():
    assert check_bundle(b"hello").problems == ["the bundle is not a readable ZIP file (BadZipFile)"]
    only_json = io.BytesIO()
    with zipfile.ZipFile(only_json, "w") as z:
        z.writestr("file.json", "{}")
    assert check_bundle(only_json.getvalue()).problems == [
        "the bundle has no file.pdf, signature.json"
    ]
