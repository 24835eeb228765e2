"""The shape of the ids Harbour accepts from outside (schools, pupils, users, senders):
MIS pupil ids, DfE URNs, identity-provider subjects. One pattern everywhere, so an id valid
in one place is valid in all, and keys such as "<school>/<pupil>" stay unambiguous."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import StringConstraints

MAX_ID_LENGTH = 64
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
# User ids may also be e-mail-like subjects from the identity provider.
USER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$"

ID_RE = re.compile(ID_PATTERN)

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
UserIdentifier = Annotated[str, StringConstraints(pattern=USER_ID_PATTERN)]

# Path parameters (FastAPI), for the routers.
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
UserIdPath = Annotated[str, Path(pattern=USER_ID_PATTERN)]
