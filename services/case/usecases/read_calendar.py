"""A school's calendar as case places deadlines on it (the default one until the school
sets its own), for those who may change it or read the school's deadlines."""

from __future__ import annotations

from services.case.domain.calendar import SchoolCalendar
from services.case.ports import CasePorts
from services.case.usecases.set_calendar import CALENDAR_EDITORS
from services.common.access import school_in_reach
from services.common.auth import SAFEGUARDING_READERS, Principal

CALENDAR_READERS = CALENDAR_EDITORS | SAFEGUARDING_READERS


async def read_calendar(ports: CasePorts, principal: Principal, school_id: str) -> SchoolCalendar:
    school_in_reach(principal, school_id, await ports.store.school(school_id), CALENDAR_READERS)
    return await ports.store.calendar_of(school_id)
