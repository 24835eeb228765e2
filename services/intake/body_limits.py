"""Larger request-body limits for intake's upload endpoints.

Paths or path templates for `BodySizeLimit` (services/common/web.py); everything else
keeps the 64 KiB default.
"""

from __future__ import annotations

from services.intake.domain.encompass_batch import MAX_BATCH_BYTES

MIB = 1024 * 1024
ROSTER_PATH = "/v1/schools/{school_id}/roster"
WEBHOOK_PATH = "/v1/encompass/notifications"
BATCH_PATH = "/v1/encompass/batches"

# A roster of a few thousand pupils is well under 1 MiB; 10 MiB leaves room for
# schools that keep years of leavers in their export.
INTAKE_BODY_LIMITS = {
    ROSTER_PATH: 10 * MIB,
    BATCH_PATH: MAX_BATCH_BYTES,
    # Up to 50 children, each with the child's own words: more than the 64 KiB default.
    WEBHOOK_PATH: 1 * MIB,
}
