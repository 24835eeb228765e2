"""Who is signed in: the Principal behind the session's token, and the page-level checks."""

from __future__ import annotations

import time

from fastapi import Request

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS, TRUST_ROLES, Principal
from services.web.session import Session, session_of

ALERT_READERS = SAFEGUARDING_READERS | {Role.HEADTEACHER}
# Children's cases: the DSLs, the headteacher (1.13) and the trust lead.
CASE_READERS = SAFEGUARDING_READERS | {Role.HEADTEACHER}
SETTINGS_USERS = frozenset({Role.ADMIN, Role.HEADTEACHER})
# Who may manage concerns about adults, or be named on one (pages/allegations.py).
ALLEGATIONS_USERS = DSL_ROLES | {
    Role.HEADTEACHER,
    Role.CHAIR_OF_GOVERNORS,
    Role.TRUST_SAFEGUARDING_LEAD,
}


class SignInRequired(Exception):
    """No session, or it expired: the user is sent to sign in (and brought back)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class NotAllowed(Exception):
    """The page is not for this user's roles: answered with the plain not-found page."""


def remember(session: Session, token: str, principal: Principal, expires_at: float) -> None:
    session.token = token
    session.token_expires_at = expires_at
    session.user_id = principal.user_id
    session.roles = sorted(principal.roles)
    session.school_id = principal.school_id
    session.trust_id = principal.trust_id
    session.sign_in = None


def principal_of(session: Session) -> Principal:
    return Principal(
        user_id=session.user_id or "",
        roles=frozenset(Role(r) for r in session.roles),
        school_id=session.school_id,
        trust_id=session.trust_id,
    )


class User:
    """The signed-in user as pages see them: the token to forward and what they may do."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.principal = principal_of(session)

    @property
    def token(self) -> str:
        return self.session.token or ""

    @property
    def school_id(self) -> str | None:
        return self.principal.school_id

    def has(self, roles: frozenset[Role]) -> bool:
        return self.principal.has_any(roles)

    @property
    def at_school(self) -> bool:
        return self.principal.school_id is not None

    @property
    def is_dsl(self) -> bool:
        return self.has(DSL_ROLES)

    def home(self) -> str:
        if self.principal.trust_wide and self.has(frozenset({Role.TRUST_SAFEGUARDING_LEAD})):
            return "/trust"
        if self.has(ALERT_READERS):
            return "/alerts"
        if self.at_school and self.has(SETTINGS_USERS) and not self.has(frozenset({Role.STAFF})):
            return "/settings"
        if self.has(frozenset({Role.CHAIR_OF_GOVERNORS})):
            return "/allegations"
        if self.at_school:
            return "/concerns/new"
        return "/encompass"

    def navigation(self) -> list[tuple[str, str]]:
        links: list[tuple[str, str]] = []
        if self.at_school:
            links += [("Record a concern", "/concerns/new"), ("My concerns", "/concerns/mine")]
            links.append(("Report a concern about an adult", "/adult-concerns/new"))
        if self.has(ALERT_READERS):
            links.append(("Alerts", "/alerts"))
        if self.has(CASE_READERS):
            links.append(("Cases", "/cases"))
            links.append(("Reviews due", "/reviews"))
        if self.has(ALLEGATIONS_USERS):
            links.append(("Allegations", "/allegations"))
        if self.has(SAFEGUARDING_READERS):
            links.append(("Deadlines", "/deadlines"))
        if self.at_school and self.is_dsl:
            links.append(("Incoming files", "/transfers/incoming"))
        if self.at_school and self.has(DSL_ROLES | {Role.HEADTEACHER}):
            links.append(("Retention", "/retention"))
        if may_use_encompass(self):
            links.append(("Operation Encompass", "/encompass"))
        if self.at_school and self.has(SETTINGS_USERS):
            links.append(("School settings", "/settings"))
        if self.principal.trust_wide and self.has(frozenset({Role.TRUST_SAFEGUARDING_LEAD})):
            links.append(("Trust overview", "/trust"))
        if self.has(frozenset({Role.ADMIN})):
            links.append(("Audit log", "/admin-audit"))
        if self.principal.trust_wide and self.has(frozenset({Role.ADMIN})):
            links.append(("Concerns about adults", "/settings/allegations"))
            links.append(("Service health", "/service-health"))
        return links


def may_use_encompass(user: User) -> bool:
    """The unmatched queue is for a school's DSLs, or trust-wide leads and admins."""
    if user.at_school:
        return user.has(DSL_ROLES)
    return user.has(TRUST_ROLES)


def current_user(request: Request) -> User:
    """A FastAPI dependency for every page that needs a signed-in user."""

    session = session_of(request)
    expired = session.token_expires_at is not None and session.token_expires_at <= time.time()
    if not session.signed_in or expired:
        if session.signed_in:
            session.sign_out()
        target = request.url.path if request.method == "GET" else "/"
        raise SignInRequired(target)
    return User(session)


def require(user: User, roles: frozenset[Role], *, at_school: bool = False) -> None:
    if not user.has(roles) or (at_school and not user.at_school):
        raise NotAllowed
