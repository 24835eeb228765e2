"""The channel adapters against a real SMTP server and a real HTTP receiver on 127.0.0.1."""

import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from services.notification.channels import DeliveryError
from services.notification.channels.email import EmailChannel, SmtpConfig
from services.notification.channels.gateway import GatewayChannel, GatewayConfig
from services.notification.domain.messages import (
    Notice,
    email_body,
    email_subject,
    gateway_personalisation,
)
from tests.support.fake_gateway import FakeGateway
from tests.support.fake_smtp import FakeSmtpServer

pytestmark = pytest.mark.integration

API_KEY = "harbour_test-0123456789abcdef"
SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
PUSH_TEMPLATE = "4a8b2c3d-1e2f-4a5b-9c8d-7e6f5a4b3c2d"
NOTICE = Notice(
    school_name="Oak Primary",
    priority="urgent",
    alert_url="https://harbour.example.org/alerts/6f1c2a9e",
    reason="urgent",
)


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_config(port: int, **overrides: object) -> SmtpConfig:
    fields: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "from_address": "alerts@harbour.example.org",
        "timeout_seconds": 5,
    }
    return SmtpConfig.model_validate(fields | overrides)


def gateway_config(base_url: str, **overrides: object) -> GatewayConfig:
    fields: dict[str, object] = {
        "base_url": base_url,
        "api_key": API_KEY,
        "sms_template_id": SMS_TEMPLATE,
        "push_template_id": PUSH_TEMPLATE,
        "timeout_seconds": 2,
    }
    return GatewayConfig.model_validate(fields | overrides)


@pytest.fixture
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway() as server:
        yield server


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def sms(http_client: httpx.AsyncClient, gateway: FakeGateway) -> GatewayChannel:
    return GatewayChannel(http_client, gateway_config(gateway.base_url))


# --- e-mail -----------------------------------------------------------------------------


async def test_an_email_arrives_with_subject_body_and_recipient(smtp: FakeSmtpServer):
    channel = EmailChannel(smtp_config(smtp.port))

    await channel.send("dsl@oak.sch.uk", email_subject(NOTICE), email_body(NOTICE))

    [received] = smtp.messages
    assert received.envelope_from == "alerts@harbour.example.org"
    assert received.envelope_to == ("dsl@oak.sch.uk",)
    assert received.subject == "URGENT safeguarding concern at Oak Primary — open Harbour to view"
    assert received.body == email_body(NOTICE)
    assert "https://harbour.example.org/alerts/6f1c2a9e" in received.body
    assert received.message["To"] == "dsl@oak.sch.uk"
    assert received.message["From"] == "Harbour <alerts@harbour.example.org>"
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.message["Message-ID"].endswith("@harbour.example.org>")
    assert received.authenticated_as is None


async def test_an_email_is_sent_with_credentials_when_configured():
    with FakeSmtpServer(credentials={"harbour": "s3cret"}) as server:
        channel = EmailChannel(smtp_config(server.port, username="harbour", password="s3cret"))

        await channel.send("dsl@oak.sch.uk", "subject", "body")

        assert [m.authenticated_as for m in server.messages] == ["harbour"]


async def test_a_server_requiring_auth_refuses_an_anonymous_sender():
    with FakeSmtpServer(credentials={"harbour": "s3cret"}) as server:
        channel = EmailChannel(smtp_config(server.port))

        with pytest.raises(DeliveryError) as caught:
            await channel.send("dsl@oak.sch.uk", "subject", "body")

        assert server.messages == []
    assert caught.value.transient is False
    assert "530" in caught.value.reason


async def test_wrong_credentials_are_a_permanent_failure():
    with FakeSmtpServer(credentials={"harbour": "s3cret"}) as server:
        channel = EmailChannel(smtp_config(server.port, username="harbour", password="wrong"))

        with pytest.raises(DeliveryError) as caught:
            await channel.send("dsl@oak.sch.uk", "subject", "body")

    assert caught.value.transient is False
    assert "535" in caught.value.reason


async def test_a_rejected_recipient_is_a_permanent_failure(smtp: FakeSmtpServer):
    smtp.reject_next(reply="550 5.1.1 Mailbox unavailable")
    channel = EmailChannel(smtp_config(smtp.port))

    with pytest.raises(DeliveryError) as caught:
        await channel.send("gone@oak.sch.uk", email_subject(NOTICE), email_body(NOTICE))

    assert caught.value.transient is False
    assert "550" in caught.value.reason
    assert "Oak Primary" not in caught.value.reason  # the reason never echoes the message
    assert smtp.messages == []


async def test_a_temporarily_refused_recipient_is_transient_and_a_retry_succeeds(
    smtp: FakeSmtpServer,
):
    smtp.reject_next(reply="451 4.3.0 Try again later")
    channel = EmailChannel(smtp_config(smtp.port))

    with pytest.raises(DeliveryError) as caught:
        await channel.send("dsl@oak.sch.uk", "subject", "body")
    await channel.send("dsl@oak.sch.uk", "subject", "body")

    assert caught.value.transient is True
    assert len(smtp.messages) == 1


@pytest.mark.parametrize(
    ("reply", "transient"), [("554 5.6.0 Rejected", False), ("452 Full", True)]
)
async def test_a_rejected_message_body_is_classified_by_reply_code(
    smtp: FakeSmtpServer, reply: str, transient: bool
):
    smtp.reject_next(reply=reply, stage="data")
    channel = EmailChannel(smtp_config(smtp.port))

    with pytest.raises(DeliveryError) as caught:
        await channel.send("dsl@oak.sch.uk", "subject", "body")

    assert caught.value.transient is transient
    assert reply[:3] in caught.value.reason


async def test_an_unreachable_smtp_server_is_transient():
    channel = EmailChannel(smtp_config(unused_port()))

    with pytest.raises(DeliveryError) as caught:
        await channel.send("dsl@oak.sch.uk", "subject", "body")

    assert caught.value.transient is True


async def test_an_smtp_server_that_never_answers_is_transient():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        channel = EmailChannel(smtp_config(silent.getsockname()[1], timeout_seconds=0.3))

        with pytest.raises(DeliveryError) as caught:
            await channel.send("dsl@oak.sch.uk", "subject", "body")

    assert caught.value.transient is True


async def test_required_starttls_on_a_server_without_it_is_permanent(smtp: FakeSmtpServer):
    channel = EmailChannel(smtp_config(smtp.port, starttls=True))

    with pytest.raises(DeliveryError) as caught:
        await channel.send("dsl@oak.sch.uk", "subject", "body")

    assert caught.value.transient is False
    assert smtp.messages == []


async def test_a_header_injection_attempt_is_refused_before_sending(smtp: FakeSmtpServer):
    channel = EmailChannel(smtp_config(smtp.port))

    with pytest.raises(DeliveryError) as caught:
        await channel.send("dsl@oak.sch.uk", "subject\r\nBcc: leak@example.org", "body")

    assert caught.value.transient is False
    assert smtp.messages == []


# --- SMS and push -----------------------------------------------------------------------


async def test_an_sms_is_posted_with_the_api_key_and_template(
    sms: GatewayChannel, gateway: FakeGateway
):
    personalisation = gateway_personalisation(NOTICE)

    notification_id = await sms.send_sms("+447911123456", personalisation, "alert-1:tier:0:sms:u1")

    [request] = gateway.requests
    assert (request.method, request.path) == ("POST", "/v2/notifications/sms")
    assert request.headers["authorization"] == f"ApiKey-v1 {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "phone_number": "+447911123456",
        "template_id": SMS_TEMPLATE,
        "personalisation": personalisation,
        "reference": "alert-1:tier:0:sms:u1",
    }
    assert notification_id == request.notification_id is not None


async def test_a_push_is_posted_to_the_push_endpoint_route(
    sms: GatewayChannel, gateway: FakeGateway
):
    personalisation = gateway_personalisation(NOTICE)

    notification_id = await sms.send_push(
        "https://push.example.org/sub/u1", personalisation, "alert-1:tier:0:push:u1"
    )

    [request] = gateway.requests
    assert (request.method, request.path) == ("POST", "/v2/notifications/push")
    assert request.headers["authorization"] == f"ApiKey-v1 {API_KEY}"
    assert request.json == {
        "push_endpoint": "https://push.example.org/sub/u1",
        "template_id": PUSH_TEMPLATE,
        "personalisation": personalisation,
        "reference": "alert-1:tier:0:push:u1",
    }
    assert notification_id == request.notification_id


async def test_a_base_url_with_a_path_prefix_is_respected(
    http_client: httpx.AsyncClient, gateway: FakeGateway
):
    channel = GatewayChannel(http_client, gateway_config(f"{gateway.base_url}/notify/"))

    with pytest.raises(DeliveryError):  # the fake only serves /v2/... at its root
        await channel.send_sms("+447911123456", {}, "ref")

    assert gateway.requests[0].path == "/notify/v2/notifications/sms"


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_server_error_is_transient(sms: GatewayChannel, gateway: FakeGateway, status: int):
    gateway.fail_next(status=status)

    with pytest.raises(DeliveryError) as caught:
        await sms.send_sms("+447911123456", {"message": "hello"}, "ref")

    assert caught.value.transient is True
    assert caught.value.reason.startswith(f"gateway {status}")


async def test_after_a_transient_failure_a_retry_succeeds(
    sms: GatewayChannel, gateway: FakeGateway
):
    gateway.fail_next(status=500)

    with pytest.raises(DeliveryError):
        await sms.send_sms("+447911123456", {}, "ref")
    notification_id = await sms.send_sms("+447911123456", {}, "ref")

    assert notification_id is not None
    assert [r.json["reference"] for r in gateway.requests] == ["ref", "ref"]


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_a_client_error_is_permanent(sms: GatewayChannel, gateway: FakeGateway, status: int):
    gateway.fail_next(status=status)

    with pytest.raises(DeliveryError) as caught:
        await sms.send_push("https://push.example.org/sub/u1", {}, "ref")

    assert caught.value.transient is False
    assert caught.value.reason == f"gateway {status}: BadRequestError scripted failure"


async def test_rate_limiting_is_transient(sms: GatewayChannel, gateway: FakeGateway):
    gateway.fail_next(status=429)

    with pytest.raises(DeliveryError) as caught:
        await sms.send_sms("+447911123456", {}, "ref")

    assert caught.value.transient is True


async def test_a_slow_gateway_times_out_as_transient(
    http_client: httpx.AsyncClient, gateway: FakeGateway
):
    channel = GatewayChannel(http_client, gateway_config(gateway.base_url, timeout_seconds=0.2))
    gateway.delay_next(2.0)

    with pytest.raises(DeliveryError) as caught:
        await channel.send_sms("+447911123456", {}, "ref")

    assert caught.value.transient is True
    assert "timeout" in caught.value.reason


async def test_an_unreachable_gateway_is_transient(http_client: httpx.AsyncClient):
    channel = GatewayChannel(http_client, gateway_config(f"http://127.0.0.1:{unused_port()}"))

    with pytest.raises(DeliveryError) as caught:
        await channel.send_sms("+447911123456", {}, "ref")

    assert caught.value.transient is True
    assert "unreachable" in caught.value.reason
