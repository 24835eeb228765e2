"""The matcher says which rule matched; the body-size limits find templated paths; the CLI
prints outcomes without names."""

from datetime import date

from services.cli.encompass import summary_text
from services.common.web import BodySizeLimit
from services.intake.body_limits import INTAKE_BODY_LIMITS
from services.intake.domain.encompass import NotifiedChild
from services.intake.domain.matching import Candidate, match_child

INCIDENT = date(2026, 3, 9)
TRUST = "trust-sv"
ALLOWED = frozenset({TRUST})


def child(**fields: object) -> NotifiedChild:
    data = {"forename": "Zoë", "surname": "O'Brien", "date_of_birth": "2018-05-02"} | fields
    return NotifiedChild.model_validate(data, context={"today": date(2026, 3, 10)})


def pupil(pupil_id: str, school_id: str, upn: str | None = None) -> Candidate:
    return Candidate(
        pupil_id=pupil_id,
        school_id=school_id,
        trust_id=TRUST,
        upn=upn,
        forename="Zoe",
        preferred_forename=None,
        surname="OBrien",
        date_of_birth=date(2018, 5, 2),
        on_roll_from=date(2022, 9, 1),
        on_roll_to=None,
    )


def test_each_rule_names_itself():
    by_upn = match_child(
        child(upn="A123456789012"),
        INCIDENT,
        "oak",
        TRUST,
        ALLOWED,
        [pupil("p1", "riv", upn="A123456789012")],
    )
    at_school = match_child(child(), INCIDENT, "oak", TRUST, ALLOWED, [pupil("p1", "oak")])
    in_trust = match_child(child(), INCIDENT, "oak", TRUST, ALLOWED, [pupil("p1", "riv")])
    nobody = match_child(child(), INCIDENT, "oak", TRUST, ALLOWED, [])

    assert by_upn.matched_by == "upn"
    assert at_school.matched_by == "school"
    assert in_trust.matched_by == "trust"
    assert nobody.matched_by is None


def test_path_templates_get_their_limits():
    limits = BodySizeLimit(app=None, limit=1, limits=INTAKE_BODY_LIMITS)  # type: ignore[arg-type]

    assert limits.limit_for("/v1/schools/sch-oak_1/roster") == 10 * 1024 * 1024
    assert limits.limit_for("/v1/encompass/batches") == 5 * 1024 * 1024
    assert limits.limit_for("/v1/schools/a/b/roster") == 1
    assert limits.limit_for("/v1/concerns") == 1


def test_the_cli_summary_lists_counts_and_invalid_lines():
    text = summary_text(
        {
            "summary": {"matched": 1, "unmatched": 1, "invalid": 1},
            "rows": [
                {"line": 2, "outcome": "matched"},
                {"line": 3, "outcome": "unmatched"},
                {"line": 4, "outcome": "invalid", "reason": "force: required"},
            ],
        }
    )

    assert text.splitlines()[0] == (
        "3 rows: 1 matched, 1 unmatched, 0 duplicate, 0 amended, 1 invalid"
    )
    assert "line 4: invalid: force: required" in text
    assert "line 3: unmatched" in text
