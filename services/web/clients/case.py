"""case: deadlines and the school calendar, the child's case and context, reviews due,
pattern rules, and adult cases."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import ServiceClient


class CaseClient(ServiceClient):
    async def deadlines(
        self,
        token: str,
        *,
        school_id: str | None = None,
        pupil_id: str | None = None,
        status: str | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        params = {"school_id": school_id, "pupil_id": pupil_id, "status": status, "limit": limit}
        return list((await self.call("GET", "/v1/deadlines", token, params=params))["deadlines"])

    async def calendar(self, token: str, school_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/schools/{school_id}/calendar", token))

    async def put_calendar(
        self, token: str, school_id: str, calendar: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"/v1/schools/{school_id}/calendar"
        return dict(await self.call("PUT", path, token, json=calendar))

    # -- the child's case ---------------------------------------------------------------------

    async def case(self, token: str, school_id: str | None, pupil_id: str) -> dict[str, Any]:
        """The child's case whole (a trust-wide reader names the school)."""
        path = f"/v1/children/{pupil_id}/case"
        return dict(await self.call("GET", path, token, params={"school_id": school_id}))

    async def cases(
        self,
        token: str,
        *,
        status: str | None = None,
        review_due_before: str | None = None,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        params = {"status": status, "review_due_before": review_due_before, "limit": limit}
        return list((await self.call("GET", "/v1/cases", token, params=params))["cases"])

    async def triage(self, token: str, school_id: str | None, concern_id: str) -> dict[str, Any]:
        path = f"/v1/concerns/{concern_id}/triage"
        return dict(await self.call("GET", path, token, params={"school_id": school_id}))

    async def fgm_duties(self, token: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/v1/fgm-duties", token))["duties"])

    async def step(
        self, token: str, method: str, path: str, body: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        """One step on a case (POST or PUT to `path`), made once however often it is sent."""
        headers = {"Idempotency-Key": idempotency_key}
        return dict(await self.call(method, path, token, json=body, headers=headers))

    # -- adult cases (concerns about adults) --------------------------------------------------

    async def adult_cases(self, token: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/v1/adult-cases", token))["cases"])

    async def adult_case(self, token: str, case_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/adult-cases/{case_id}", token))

    async def low_level_log(self, token: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/v1/low-level-concerns", token))["adults"])

    async def adult_retention_review(self, token: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/v1/adult-cases/retention-review", token))["cases"])

    async def allegation_settings(self, token: str, trust_id: str) -> dict[str, Any]:
        path = f"/v1/trusts/{trust_id}/allegation-settings"
        return dict(await self.call("GET", path, token))

    async def put_allegation_settings(
        self, token: str, trust_id: str, trust_lead_user_id: str | None
    ) -> dict[str, Any]:
        path = f"/v1/trusts/{trust_id}/allegation-settings"
        body = {"trust_lead_user_id": trust_lead_user_id}
        return dict(await self.call("PUT", path, token, json=body))

    # -- what the DSL knows of the child, reviews and pattern watch ----------------------------

    async def reviews(self, token: str, due_before: str, limit: int = 500) -> list[dict[str, Any]]:
        """Case reviews and risk assessment reviews due on or before `due_before`."""
        params = {"due_before": due_before, "limit": limit}
        return list((await self.call("GET", "/v1/reviews", token, params=params))["reviews"])

    async def pattern_rules(self, token: str, school_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/schools/{school_id}/pattern-rules", token))

    async def put_pattern_rules(
        self, token: str, school_id: str, rules: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"/v1/schools/{school_id}/pattern-rules"
        return dict(await self.call("PUT", path, token, json=rules))

    async def put_context(self, token: str, pupil_id: str, context: dict[str, Any]) -> None:
        await self.call("PUT", f"/v1/children/{pupil_id}/context", token, json=context)
