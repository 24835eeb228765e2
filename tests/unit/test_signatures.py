"""Webhook signatures: a police sender's request is accepted only if signed and fresh."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from services.intake.domain.signatures import SignatureError, sign, verify_signature

SECRET = b"west-mercia-shared-secret-0123456789"
NOW = 1_773_125_700  # 2026-03-10T06:55:00Z
BODY = b'{"police_reference": "22/123456/26", "children": []}'


def signed(timestamp: int = NOW, body: bytes = BODY, secret: bytes = SECRET) -> tuple[str, str]:
    return str(timestamp), sign(secret, timestamp, body)


def refusal(**kwargs: object) -> str:
    arguments: dict[str, object] = {
        "secret": SECRET,
        "timestamp": str(NOW),
        "signature": sign(SECRET, NOW, BODY),
        "body": BODY,
        "now": NOW,
    } | kwargs
    with pytest.raises(SignatureError) as refused:
        verify_signature(**arguments)  # type: ignore[arg-type]
    assert str(refused.value) == refused.value.reason
    return refused.value.reason


class TestSign:
    def test_the_header_is_an_hmac_sha256_of_timestamp_dot_body(self):
        expected = hmac.new(SECRET, b"1773125700." + BODY, hashlib.sha256).hexdigest()
        assert sign(SECRET, NOW, BODY) == f"sha256={expected}"

    def test_a_timestamp_given_as_text_signs_the_same(self):
        assert sign(SECRET, str(NOW), BODY) == sign(SECRET, NOW, BODY)

    def test_an_empty_secret_is_refused(self):
        with pytest.raises(ValueError, match="secret"):
            sign(b"", NOW, BODY)

    def test_a_non_numeric_timestamp_is_refused(self):
        with pytest.raises(ValueError, match="Unix seconds"):
            sign(SECRET, "2026-03-10T06:55:00Z", BODY)


class TestVerify:
    def test_a_correctly_signed_fresh_request_is_accepted(self):
        timestamp, signature = signed()
        verify_signature(SECRET, timestamp, signature, BODY, now=NOW)

    def test_an_upper_case_hex_digest_is_accepted(self):
        timestamp, signature = signed()
        verify_signature(SECRET, timestamp, "sha256=" + signature[7:].upper(), BODY, now=NOW)

    def test_a_request_signed_with_another_secret_is_refused(self):
        _, forged = signed(secret=b"some-other-force-secret")
        assert refusal(signature=forged) == "signature does not match the request"

    def test_a_tampered_body_is_refused(self):
        tampered = BODY.replace(b"22/123456/26", b"22/999999/26")
        assert refusal(body=tampered) == "signature does not match the request"

    def test_a_body_with_changed_whitespace_is_refused(self):
        # The raw bytes are signed, not the parsed JSON.
        assert refusal(body=BODY + b"\n") == "signature does not match the request"

    def test_a_signature_replayed_with_a_new_timestamp_is_refused(self):
        _, old_signature = signed(timestamp=NOW - 600)
        assert refusal(signature=old_signature) == "signature does not match the request"

    @pytest.mark.parametrize("age", [0, 1, 299, 300])
    def test_a_timestamp_up_to_five_minutes_old_is_accepted(self, age):
        timestamp, signature = signed(timestamp=NOW - age)
        verify_signature(SECRET, timestamp, signature, BODY, now=NOW)

    @pytest.mark.parametrize("skew", [1, 300])
    def test_a_timestamp_slightly_ahead_of_our_clock_is_accepted(self, skew):
        timestamp, signature = signed(timestamp=NOW + skew)
        verify_signature(SECRET, timestamp, signature, BODY, now=NOW)

    def test_an_old_timestamp_is_refused_even_when_correctly_signed(self):
        timestamp, signature = signed(timestamp=NOW - 301)
        reason = refusal(timestamp=timestamp, signature=signature)
        assert reason == "X-Harbour-Timestamp is more than 300 seconds from the server clock"

    def test_a_future_timestamp_is_refused_even_when_correctly_signed(self):
        timestamp, signature = signed(timestamp=NOW + 301)
        reason = refusal(timestamp=timestamp, signature=signature)
        assert reason == "X-Harbour-Timestamp is more than 300 seconds from the server clock"

    def test_the_window_can_be_narrowed(self):
        timestamp, signature = signed(timestamp=NOW - 61)
        with pytest.raises(SignatureError, match="more than 60 seconds"):
            verify_signature(SECRET, timestamp, signature, BODY, now=NOW, window_s=60)

    def test_a_fractional_clock_is_fine(self):
        timestamp, signature = signed()
        verify_signature(SECRET, timestamp, signature, BODY, now=NOW + 0.75)

    @pytest.mark.parametrize("missing", [None, "", "  "])
    def test_a_missing_timestamp_is_refused(self, missing):
        assert refusal(timestamp=missing) == "missing X-Harbour-Timestamp header"

    @pytest.mark.parametrize(
        "malformed", ["abc", "1773125700.5", "-1773125700", "2026-03-10T06:55:00Z", "1" * 13]
    )
    def test_a_malformed_timestamp_is_refused(self, malformed):
        assert refusal(timestamp=malformed) == (
            "malformed X-Harbour-Timestamp header: expected Unix seconds"
        )

    @pytest.mark.parametrize("missing", [None, ""])
    def test_a_missing_signature_is_refused(self, missing):
        assert refusal(signature=missing) == "missing X-Harbour-Signature header"

    @pytest.mark.parametrize(
        "malformed",
        [
            "abc",
            sign(SECRET, NOW, BODY)[7:],  # digest without the scheme
            "sha1=" + "0" * 40,
            "sha256=" + "0" * 63,
            "sha256=" + "g" * 64,
            "sha256=" + "0" * 64 + ",sha256=" + "1" * 64,
        ],
    )
    def test_a_malformed_signature_is_refused(self, malformed):
        assert refusal(signature=malformed) == (
            "malformed X-Harbour-Signature header: expected sha256=<64 hex digits>"
        )

    def test_surrounding_whitespace_in_headers_is_tolerated(self):
        timestamp, signature = signed()
        verify_signature(SECRET, f" {timestamp} ", f" {signature} ", BODY, now=NOW)

    def test_an_unconfigured_secret_is_a_server_fault_not_a_bad_request(self):
        timestamp, signature = signed()
        with pytest.raises(ValueError, match="secret"):
            verify_signature(b"", timestamp, signature, BODY, now=NOW)
