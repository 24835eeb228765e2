"""A DSL records a risk and needs assessment for a child (Annex A: child-on-child sexual
violence and harassment, the victim and the alleged perpetrator considered together): the
incident, the child's part, the risks, the measures, the victim's wishes, who was
consulted, and the review date. It is kept on the child's case with
case.risk_assessment.recorded.v1 in the same write; case hears that event and starts the
risk-assessment-review deadline (risk_assessment_deadlines.py)."""

from __future__ import annotations

from services.case.domain import risk_assessments as assessments
from services.case.domain.case_steps import actor_of, find, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import (
    as_before,
    case_of_pupil,
    case_to_change,
    require_open,
)
from services.common.auth import Principal
from services.common.errors import InvalidFields
from services.common.store import Document


async def record_risk_assessment(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: assessments.RiskAssessmentRequest,
    idempotency_key: str | None = None,
) -> Document:
    """The assessment as stored (a retry with the same key: as stored the first time)."""
    ref = await case_of_pupil(ports, principal, pupil_id)
    problems = assessments.assessment_problems(request, pupil_id, ports.clock.today())
    for index, other in enumerate(request.other_pupil_ids):
        if await ports.store.pupil(ref.school_id, other) is None:
            problems.append((f"other_pupil_ids.{index}", "no pupil with this id at this school"))
    if problems:
        raise InvalidFields(problems)
    now = ports.clock.now()
    assessment_id = step_id("ra", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, pupil_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        earlier = find((edit.current or {}).get("risk_assessments"), "assessment_id", assessment_id)
        if as_before(earlier, signature):
            return earlier  # type: ignore[return-value]
        if request.concern_id is not None and not _knows_concern(edit.current, request.concern_id):
            raise InvalidFields([("concern_id", "no such concern about this child")])
        case = case_to_change(edit, ref, now)
        require_open(case, "recording a risk assessment")
        assessment = assessments.new_assessment(
            request,
            assessment_id=assessment_id,
            by=principal.user_id,
            at=now,
            fingerprint=signature,
        )
        await ports.store.point("risk_assessment", ref.school_id, assessment_id, case)
        edit.push("risk_assessments", assessment)
        edit.set(
            {
                "assessment_review_on": assessments.earliest_review(
                    [*case.get("risk_assessments", []), assessment]
                ),
                "last_activity_at": now,
            }
        )
        edit.emit(assessments.recorded_event(case, assessment, actor_of(principal)))
    return assessment


def _knows_concern(case: Document | None, concern_id: str) -> bool:
    """The concern is about the child, or names them (a link it made)."""
    if case is None:
        return False
    if concern_id in case.get("sources", []):
        return True
    return any(link.get("source_id") == concern_id for link in case.get("links", []))
