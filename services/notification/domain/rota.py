"""A school's DSL rota: who is alerted, in which order, and how fast alerts climb.

Pure model and validation. Error messages are "<field path>: <problem>", e.g.
``tiers[1].members[0].email: not a valid e-mail address``, so the API can return them
as a 422 body unchanged.

Roles are optional labels. The issue says the trust safeguarding lead and the
headteacher are the last tier; we enforce it one way only: a member labelled
``headteacher`` or ``trust_safeguarding_lead`` must sit in the last tier. The last tier
may hold others, and a rota without those labels is accepted (a headteacher who is
also the school's DSL is labelled ``dsl`` and may sit in tier 1).
"""

from collections.abc import Iterator, Set
from typing import Annotated, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from contracts.vocabulary import Role

MAX_TIERS = 6
MAX_MEMBERS_PER_TIER = 20
LAST_TIER_ROLES = frozenset({Role.HEADTEACHER, Role.TRUST_SAFEGUARDING_LEAD})

# The safeguarding subset of contracts.vocabulary.Role: who can sit on a rota.
RotaRole = Literal["dsl", "deputy_dsl", "headteacher", "trust_safeguarding_lead"]

# The error type the model-level check raises; its ctx carries one message per problem.
_STRUCTURE_ERROR = "rota_structure"

_SMS_CAPABLE = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def _normalise_email(raw: str) -> str:
    try:
        # No DNS lookups: validation must stay pure and deterministic.
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("email", "not a valid e-mail address") from None


def _normalise_phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("phone", "not a valid phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone", "not a valid phone number")
    # The phone is only used for SMS; a landline would silently never get an alert.
    if phonenumbers.number_type(number) not in _SMS_CAPABLE:
        raise PydanticCustomError("phone_not_mobile", "not a mobile number (alerts go by SMS)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_normalise_email)]
MobilePhone = Annotated[str, AfterValidator(_normalise_phone)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Member(_Frozen):
    user_id: UserId
    name: Text
    email: Email
    phone: MobilePhone  # stored as E.164
    push_endpoint: HttpUrl | None = None
    role: RotaRole | None = None


class Tier(_Frozen):
    members: list[Member]

    @field_validator("members")
    @classmethod
    def _size(cls, members: list[Member]) -> list[Member]:
        if not members:
            raise PydanticCustomError("empty_tier", "a tier needs at least one member")
        if len(members) > MAX_MEMBERS_PER_TIER:
            raise PydanticCustomError(
                "tier_too_large",
                "at most {limit} members per tier",
                {"limit": MAX_MEMBERS_PER_TIER},
            )
        return members


class EscalationPolicy(_Frozen):
    """Timer delays per priority, in seconds. ``urgent`` has none: every tier at once."""

    normal_step_seconds: int = Field(default=900, ge=1, le=86_400)
    # None: encompass climbs only on the deadline-approaching event. Set it to also climb
    # on a timer, whichever comes first.
    encompass_step_seconds: int | None = Field(default=None, ge=1, le=86_400)


class Rota(_Frozen):
    tiers: list[Tier]
    escalation: EscalationPolicy = Field(default_factory=EscalationPolicy)

    @field_validator("tiers")
    @classmethod
    def _count(cls, tiers: list[Tier]) -> list[Tier]:
        if not tiers:
            raise PydanticCustomError("no_tiers", "a rota needs at least one tier")
        if len(tiers) > MAX_TIERS:
            raise PydanticCustomError(
                "too_many_tiers", "at most {limit} tiers", {"limit": MAX_TIERS}
            )
        return tiers

    @model_validator(mode="after")
    def _structure(self) -> "Rota":
        problems = [*_duplicate_users(self), *_misplaced_roles(self)]
        if problems:
            raise PydanticCustomError(
                _STRUCTURE_ERROR,
                "{summary}",
                {"summary": "; ".join(problems), "problems": problems},
            )
        return self


class InvalidRota(ValueError):
    """Raised by ``parse_rota``; ``errors`` holds one "<path>: <problem>" line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_rota(data: object) -> Rota:
    """Validate a rota document (e.g. a PUT body), raising ``InvalidRota`` with every error."""
    try:
        return Rota.model_validate(data)
    except ValidationError as exc:
        raise InvalidRota(rota_errors(exc)) from None


def rota_errors(exc: ValidationError) -> list[str]:
    """Flatten a pydantic error into "<path>: <problem>" lines."""
    messages: list[str] = []
    for error in exc.errors(include_url=False, include_input=False):
        if error["type"] == _STRUCTURE_ERROR:
            messages.extend(error["ctx"]["problems"])
        else:
            messages.append(f"{_path(error['loc'])}: {error['msg']}")
    return messages


def validate_rota_members(rota: Rota, known_user_ids: Set[str]) -> list[str]:
    """Errors for members that are not known users; the caller chooses the directory."""
    return [
        f"{path}.user_id: unknown user {member.user_id}"
        for _, path, member in _members(rota)
        if member.user_id not in known_user_ids
    ]


def _members(rota: Rota) -> Iterator[tuple[int, str, Member]]:
    for t, tier in enumerate(rota.tiers):
        for m, member in enumerate(tier.members):
            yield t, f"tiers[{t}].members[{m}]", member


def _duplicate_users(rota: Rota) -> Iterator[str]:
    first_seen: dict[str, str] = {}
    for _, path, member in _members(rota):
        if member.user_id in first_seen:
            yield (
                f"{path}.user_id: user {member.user_id} is already in the rota"
                f" at {first_seen[member.user_id]}"
            )
        else:
            first_seen[member.user_id] = path


def _misplaced_roles(rota: Rota) -> Iterator[str]:
    last = len(rota.tiers) - 1
    for tier, path, member in _members(rota):
        if member.role in LAST_TIER_ROLES and tier != last:
            yield f"{path}.role: a {member.role} must be in the last tier (tiers[{last}])"


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "rota"
