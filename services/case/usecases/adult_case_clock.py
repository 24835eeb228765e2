"""The statutory clock of an adult case, as case hears its own steps: an allegation starts
lado-referral (close of business the next working day after the decision), the LADO
referral meets it; a suspension starts suspension-confirmation (the next working day after
the suspension), the written confirmation meets it. A low-level decision joins the
adult's low-level log. Each step is idempotent, so a redelivery changes nothing.

The deadlines are the clock's own (approaching and breached exactly once); their events
name the adult case, never the adult, and notification tells the case manager, not the
DSL rota."""

from __future__ import annotations

from contracts import adult_cases as words
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.domain.case_steps import find
from services.case.ports import CasePorts
from services.case.usecases.low_level_concerns import log_low_level
from services.case.usecases.meet_deadline import meet_deadline
from services.case.usecases.start_deadline import ClockStart, start_deadline


async def decided(ports: CasePorts, event: Envelope[words.AdultCaseDecided]) -> None:
    decision = event.payload
    if decision.decision == words.AdultDecision.ALLEGATION:
        # The deadline's subject is the adult case (its pupil_id stays None).
        start = ClockStart(
            DeadlineRule.LADO_REFERRAL, decision.case_id, decision.case_id, decision.decided_at
        )
        await start_deadline(ports, event, start)
        return
    case = await ports.store.adult_case(decision.case_id)
    record = find((case or {}).get("decisions"), "decision_id", decision.decision_id)
    if case is not None and record is not None:
        await log_low_level(ports, case, record)


async def lado_referred(ports: CasePorts, event: Envelope[words.LadoReferred]) -> None:
    referral = event.payload
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.LADO_REFERRAL,
        source_id=referral.case_id,
        met_by=referral.referral_id,
        met_at=referral.referred_at,
    )


async def suspended(ports: CasePorts, event: Envelope[words.SubjectSuspended]) -> None:
    suspension = event.payload
    start = ClockStart(
        DeadlineRule.SUSPENSION_CONFIRMATION,
        suspension.case_id,
        suspension.case_id,
        suspension.suspended_at,
    )
    await start_deadline(ports, event, start)


async def suspension_confirmed(
    ports: CasePorts, event: Envelope[words.SuspensionConfirmed]
) -> None:
    confirmation = event.payload
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.SUSPENSION_CONFIRMATION,
        source_id=confirmation.case_id,
        met_by=confirmation.confirmation_id,
        met_at=confirmation.sent_at,
    )
