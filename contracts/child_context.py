"""What the DSL must know about a child (Keeping Children Safe in Education: the social
worker and the virtual school head, 1.2; who has parental responsibility, 1.6.2; SEND,
1.18; private fostering, 1.19; an address withheld under the serious-harm test, 1.12):
the body of PUT /v1/children/{pupil_id}/context, carried whole by case.context.changed.v1.

Every part is optional: an absent part is "not recorded". The flags a DSL sees on alerts
(`flags_of`) are derived from it, never stored apart from it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+() -]{6,30}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Contact(_Part):
    """How to reach someone. `address` is hidden from everyone but the DSLs while the
    child's address is withheld."""

    phone: Phone | None = None
    email: EmailStr | None = None
    address: Address | None = None


class SocialWorker(_Part):
    name: Name
    phone: Phone | None = None
    email: EmailStr | None = None
    local_authority: Name


class PlanKind(StrEnum):
    NONE = "none"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"


class ProtectionCategory(StrEnum):
    """The category of a child protection plan (Working Together to Safeguard Children)."""

    NEGLECT = "neglect"
    PHYSICAL_ABUSE = "physical_abuse"
    EMOTIONAL_ABUSE = "emotional_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    MULTIPLE = "multiple"


class Plan(_Part):
    kind: PlanKind
    category: ProtectionCategory | None = Field(
        default=None, description="required for a child protection plan, and only for it"
    )
    start_date: date | None = Field(default=None, description="required for a protection plan")

    @model_validator(mode="after")
    def _protection_plan_complete(self) -> Self:
        protection = self.kind is PlanKind.CHILD_PROTECTION
        if protection and self.category is None:
            raise ValueError("a child protection plan needs its category")
        if protection and self.start_date is None:
            raise ValueError("a child protection plan needs its start date")
        if not protection and self.category is not None:
            raise ValueError("only a child protection plan has a category")
        if self.kind is PlanKind.NONE and self.start_date is not None:
            raise ValueError("no plan has no start date")
        return self


class LegalStatus(StrEnum):
    """Why the local authority looks after the child (Children Act 1989)."""

    VOLUNTARY_ACCOMMODATION = "section_20"
    CARE_ORDER = "care_order"
    INTERIM_CARE_ORDER = "interim_care_order"
    PLACEMENT_ORDER = "placement_order"
    EMERGENCY_PROTECTION_ORDER = "emergency_protection_order"
    REMAND = "remand"
    OTHER = "other"


class VirtualSchoolHead(_Part):
    name: Name
    phone: Phone | None = None
    email: EmailStr | None = None


class LookedAfter(_Part):
    legal_status: LegalStatus
    local_authority: Name
    virtual_school_head: VirtualSchoolHead
    carers_may_consent_to: Text | None = Field(
        default=None, description="what the carers may consent to (trips, medical, photos…)"
    )


class PreviouslyLookedAfter(_Part):
    left_care_by: Literal["adoption", "special_guardianship_order", "child_arrangements_order"]


class Send(_Part):
    """Special educational needs or disabilities (1.18)."""

    ehcp: bool = Field(description="has an education, health and care plan")
    senco_informed_at: AwareDatetime | None = None
    needs: Text | None = None


class PrivateFostering(_Part):
    """Cared for by someone not a close relative for 28 days or more (1.19): the local
    authority must be told."""

    local_authority_notified_at: AwareDatetime | None = None


class ParentalResponsibility(_Part):
    name: Name
    relationship: Name
    contact: Contact | None = None
    has_parental_responsibility: bool


class AddressWithheld(_Part):
    """The child's address may be shared with no one but the DSLs: telling it could put
    the child at risk of serious harm (1.12), for example a refuge."""

    reason: Text


MAX_PEOPLE = 12


class ChildContext(_Part):
    social_worker: SocialWorker | None = None
    plan: Plan | None = None
    looked_after: LookedAfter | None = None
    previously_looked_after: PreviouslyLookedAfter | None = None
    send: Send | None = None
    private_fostering: PrivateFostering | None = None
    young_carer: bool = False
    parental_responsibility: list[ParentalResponsibility] = Field(
        default_factory=list, max_length=MAX_PEOPLE
    )
    address: Address | None = Field(default=None, description="where the child lives")
    address_withheld: AddressWithheld | None = None

    @field_validator("previously_looked_after")
    @classmethod
    def _one_care_status(
        cls, value: PreviouslyLookedAfter | None, info: ValidationInfo
    ) -> PreviouslyLookedAfter | None:
        if value is not None and info.data.get("looked_after") is not None:
            raise ValueError("a child is looked after now or was previously, not both")
        return value


class ChildFlag(StrEnum):
    """What alerts and the inbox show beside a child (never e-mails or texts)."""

    CHILD_PROTECTION_PLAN = "child_protection_plan"
    LOOKED_AFTER = "looked_after"
    SEND = "send"


def flags_of(context: ChildContext) -> list[ChildFlag]:
    flags = []
    if context.plan is not None and context.plan.kind is PlanKind.CHILD_PROTECTION:
        flags.append(ChildFlag.CHILD_PROTECTION_PLAN)
    if context.looked_after is not None:
        flags.append(ChildFlag.LOOKED_AFTER)
    if context.send is not None:
        flags.append(ChildFlag.SEND)
    return flags
