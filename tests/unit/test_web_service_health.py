"""What the Service health page makes of each service's readiness report."""

from services.web.pages.service_health import service_rows


def test_a_ready_service_shows_its_outbox_and_dead_letters():
    [row] = service_rows(
        [
            {
                "service": "records",
                "status": "ready",
                "store": "ok",
                "broker": "ok",
                "dead_letters": 2,
                "outbox": {"pending_events": 0, "oldest_pending_seconds": 0.0},
            }
        ]
    )
    assert row == {
        "service": "records",
        "ready": True,
        "pending_events": 0,
        "oldest_pending_seconds": 0.0,
        "dead_letters": 2,
        "problems": [],
    }


def test_each_reason_for_not_being_ready_is_named():
    rows = service_rows(
        [
            {"service": "intake", "status": "unreachable"},
            {
                "service": "case",
                "status": "not_ready",
                "store": "unreachable: ServerSelectionTimeoutError",
                "broker": "ok",
                "outbox": {"pending_events": 40, "problem": "an event has waited over 60 s"},
                "dead_letters_growing": True,
            },
        ]
    )
    assert [r["ready"] for r in rows] == [False, False]
    assert rows[0]["problems"] == ["Does not answer"]
    assert rows[1]["problems"] == [
        "Cannot reach its database",
        "Events are waiting too long to be published",
        "Messages are being dead-lettered",
    ]
