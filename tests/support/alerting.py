"""Alerting tests: a private stack whose notification sends to an in-process SMTP server and
HTTP gateway, a school with staff and a rota, and probes on what was delivered.

The stack is separate from the session one: queues are competing consumers, so a second
notification process in the shared vhost would take half of its messages.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx

from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Envelope, Subject, utc_now
from contracts.intake_v1 import NotifiedChild
from services.common.events import SYSTEM, make_envelope
from tests.support import events
from tests.support.api import School, bearer, eventually, token, unique
from tests.support.broker import publish_raw
from tests.support.fake_gateway import FakeGateway, ReceivedRequest
from tests.support.fake_smtp import FakeSmtpServer, ReceivedEmail
from tests.support.stack import ROOT, TestStack

SMTP_USER, SMTP_PASSWORD = "harbour-alerts", "smtp-s3cret"
GATEWAY_KEY = "harbour_test-alerting-0123456789"
PUBLIC_URL = "https://harbour.example.org"

# Fast timings: retries within a second or two, three attempts, short leases.
ALERTING_SETTINGS = {
    "HARBOUR_PUBLIC_BASE_URL": PUBLIC_URL,
    "HARBOUR_SMTP_STARTTLS": "false",
    "HARBOUR_SMTP_USERNAME": SMTP_USER,
    "HARBOUR_SMTP_PASSWORD": SMTP_PASSWORD,
    "HARBOUR_SMTP_TIMEOUT_SECONDS": "5",
    "HARBOUR_GATEWAY_API_KEY": GATEWAY_KEY,
    "HARBOUR_GATEWAY_TIMEOUT_SECONDS": "3",
    "HARBOUR_ESCALATION_POLL_SECONDS": "0.3",
    "HARBOUR_DELIVERY_POLL_SECONDS": "0.3",
    "HARBOUR_DELIVERY_LEASE_SECONDS": "10",
    "HARBOUR_DELIVERY_RETRY_BASE_SECONDS": "0.3",
    "HARBOUR_DELIVERY_RETRY_CAP_SECONDS": "1",
    "HARBOUR_DELIVERY_MAX_ATTEMPTS": "3",
}


@dataclass
class Alerting:
    """The stack, the fake SMTP server and gateway it sends to, and HTTP clients."""

    stack: TestStack
    smtp: FakeSmtpServer
    gateway: FakeGateway
    intake: httpx.AsyncClient = field(init=False)
    notification: httpx.AsyncClient = field(init=False)
    case: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.intake = httpx.AsyncClient(base_url=self.stack.url("intake"), timeout=15)
        self.notification = httpx.AsyncClient(base_url=self.stack.url("notification"), timeout=15)
        self.case = httpx.AsyncClient(base_url=self.stack.url("case"), timeout=15)

    async def aclose(self) -> None:
        for client in (self.intake, self.notification, self.case):
            await client.aclose()

    async def publish(self, event: Envelope[Any]) -> None:
        body = event.model_dump_json().encode()
        await publish_raw(self.stack.rabbit_url, event.event_type, body, event.event_id)

    def emails_for(self, alert_id: str) -> list[ReceivedEmail]:
        return [m for m in self.smtp.messages if f"/alerts/{alert_id}" in m.body]

    def texts_for(self, alert_id: str) -> list[ReceivedRequest]:
        return [
            r
            for r in self.gateway.requests
            if isinstance(r.json, dict) and str(r.json.get("reference", "")).startswith(alert_id)
        ]


@contextmanager
def alerting_stack(name: str) -> Iterator[Alerting]:
    """Start the fakes, then the four services configured to send to them."""
    with FakeSmtpServer(credentials={SMTP_USER: SMTP_PASSWORD}) as smtp, FakeGateway() as gateway:
        settings = {
            **ALERTING_SETTINGS,
            "HARBOUR_SMTP_HOST": smtp.host,
            "HARBOUR_SMTP_PORT": str(smtp.port),
            "HARBOUR_GATEWAY_URL": gateway.base_url,
        }
        stack = TestStack(log_dir=ROOT / ".data" / "test-logs" / name, settings=settings)
        stack.create()
        try:
            stack.start_all()
            yield Alerting(stack, smtp, gateway)
        finally:
            stack.destroy()


# --- people and rotas --------------------------------------------------------------------

_numbers = itertools.count(random.randint(0, 50_000))


def new_mobile() -> str:
    """A valid UK mobile number, different for each person in a test run."""
    return f"+4474001{next(_numbers) % 100_000:05d}"


@dataclass(frozen=True)
class Person:
    user_id: str
    role: str
    school: School
    push: bool = False
    phone: str = field(default_factory=new_mobile)

    @property
    def email(self) -> str:
        return f"{self.user_id}@{self.school.school_id}.sch.uk"

    @property
    def push_endpoint(self) -> str | None:
        return f"https://push.example.org/devices/{self.user_id}" if self.push else None

    @property
    def headers(self) -> dict[str, str]:
        if self.role == "trust_safeguarding_lead":
            return bearer(token(self.user_id, self.role, trust=self.school.trust_id))
        return bearer(token(self.user_id, self.role, school=self.school.school_id))

    def member(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "user_id": self.user_id,
            "name": f"Staff {self.user_id}",
            "email": self.email,
            "phone": self.phone,
            "role": self.role,
        }
        if self.push_endpoint:
            entry["push_endpoint"] = self.push_endpoint
        return entry


@dataclass
class Team:
    """A school's rota, tier by tier: a DSL, a deputy, then the headteacher and trust lead."""

    school: School
    tiers: list[list[Person]]

    @classmethod
    def standard(cls, school: School, *, push: bool = False) -> Team:
        def person(prefix: str, role: str) -> Person:
            return Person(unique(prefix), role, school, push=push)

        return cls(
            school,
            [
                [person("dsl", "dsl")],
                [person("deputy", "deputy_dsl")],
                [person("head", "headteacher"), person("tsl", "trust_safeguarding_lead")],
            ],
        )

    @property
    def everyone(self) -> list[Person]:
        return [p for tier in self.tiers for p in tier]

    def rota(self, **escalation: int | None) -> dict[str, Any]:
        return {
            "tiers": [{"members": [p.member() for p in tier]} for tier in self.tiers],
            "escalation": escalation,
        }


async def school_with_rota(env: Alerting, team: Team | None = None, **escalation: Any) -> Team:
    """A registered school whose staff are known to notification and whose rota is set."""
    team = team or Team.standard(await School.register(env.intake, name="Oak Primary"))
    school = team.school
    for person in team.everyone:
        response = await eventually(
            lambda p=person: env.notification.put(
                f"/v1/schools/{school.school_id}/staff/{p.user_id}",
                json={"name": f"Staff {p.user_id}", "role": p.role},
                headers=school.admin,
            ),
            lambda r: r.status_code != 404,  # notification learns of the school by event
            timeout=30,
        )
        assert response.status_code == 200, response.text
    response = await env.notification.put(
        f"/v1/schools/{school.school_id}/rota", json=team.rota(**escalation), headers=school.admin
    )
    assert response.status_code == 200, response.text
    return team


# --- probes ------------------------------------------------------------------------------


async def alert_for_source(env: Alerting, team: Team, source_id: str) -> dict[str, Any]:
    async def probe() -> list[dict[str, Any]]:
        response = await env.notification.get(
            "/v1/alerts", headers=team.school.dsl, params={"limit": 500}
        )
        assert response.status_code == 200, response.text
        return [a for a in response.json()["alerts"] if a["source_id"] == source_id]

    found = await eventually(probe, bool, timeout=30)
    assert len(found) == 1, found
    return found[0]


async def alert_detail(env: Alerting, team: Team, alert_id: str) -> dict[str, Any]:
    response = await env.notification.get(f"/v1/alerts/{alert_id}", headers=team.school.dsl)
    assert response.status_code == 200, response.text
    return response.json()


def tiers_taken(detail: dict[str, Any]) -> list[int]:
    return sorted(step["tier"] for step in detail["steps"])


def sent_to(detail: dict[str, Any], channel: str) -> set[str]:
    return {
        d["user_id"]
        for d in detail["deliveries"]
        if d["channel"] == channel and d["state"] == "sent"
    }


def emails_to(env: Alerting, alert_id: str) -> list[str]:
    return sorted(to for m in env.emails_for(alert_id) for to in m.envelope_to)


def texts_to(env: Alerting, alert_id: str) -> list[str]:
    return sorted(
        str(r.json.get("phone_number")) for r in env.texts_for(alert_id) if "sms" in r.path
    )


def reached_in_person(env: Alerting, alert_id: str, people: list[Person]) -> bool:
    """Each of these people has an e-mail and a text about the alert."""
    emails, texts = set(emails_to(env, alert_id)), set(texts_to(env, alert_id))
    return all(p.email in emails and p.phone in texts for p in people)


# --- events as other services publish them -----------------------------------------------


def encompass_notified(school: School, pupil: str, child: NotifiedChild) -> Envelope[Any]:
    return events.encompass_notified(
        school,
        pupil,
        received_at=utc_now(),
        child=child,
        location="Flat 3, Orchard Court",
        circumstances="Shouting heard by neighbours; the child was present upstairs.",
        police_action="Words of advice given to both adults.",
        other_information="Older sibling stayed with a grandparent overnight.",
    )


def deadline_event(
    event_type: str, school: School, *, source_event_id: str, pupil: str | None, rule: str
) -> Envelope[Any]:
    deadline_id = f"{rule}:{source_event_id}"
    payload = DeadlineChanged(
        deadline_id=deadline_id,
        rule=rule,  # type: ignore[arg-type]
        pupil_id=pupil,
        source_id=unique("source"),
        source_event_id=source_event_id,
        due_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    )
    return make_envelope(
        event_type,
        payload,
        trust_id=school.trust_id,
        school_id=school.school_id,
        subject=Subject(kind="child", id=pupil)
        if pupil
        else Subject(kind="school", id=school.school_id),
        actor=SYSTEM,
    )


VOICE_OF_CHILD = "I hid under the bed until it went quiet."


def child(forename: str, surname: str, born: date) -> NotifiedChild:
    return NotifiedChild(
        forename=forename,
        surname=surname,
        date_of_birth=born,
        present=True,
        voice_of_child=VOICE_OF_CHILD,
    )


# --- privacy -----------------------------------------------------------------------------


def leaks(env: Alerting, secrets: list[str]) -> list[str]:
    """Every secret found in anything the SMTP server or gateway received (whole raw
    messages and request bodies, not only the parts we meant to fill)."""
    found = []
    outbound = [f"{m.subject}\n{m.body}\n{m.message.as_string()}" for m in env.smtp.messages]
    outbound += [json.dumps(r.json, ensure_ascii=False) for r in env.gateway.requests]
    for text in outbound:
        folded = text.casefold()
        found += [s for s in secrets if s.casefold() in folded]
    return found
