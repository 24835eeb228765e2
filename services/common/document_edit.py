"""One document as an edit read it, and what the use case does to it: the part of the unit
of work (services.common.unit_of_work) that decides what to write, without any I/O."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Envelope
from services.common.field_cipher import FieldCipher
from services.common.outbox import merge_updates, push_events, with_outbox
from services.common.store import Document

Event = Envelope[BaseModel]
# (field being written, value) → the value as stored (services.common.field_cipher).
Sealing = Callable[[str, Any], Any]


# Everything but the outbox, which can be long and is the relay's business.
WITHOUT_OUTBOX = {"outbox": 0}
CHANGED_MEANWHILE = "the record was changed by someone else meanwhile; try again"


class DocumentEdit:
    """One document as read under its lock, and what the use case does to it."""

    def __init__(self, doc_id: Any, current: Document | None) -> None:
        self.id = doc_id
        self.current = current
        self._created: Document | None = None
        self._set: dict[str, Any] = {}
        self._push: dict[str, list[Any]] = {}
        self.events: list[Event] = []
        self.steps_after_write: list[Callable[[], Awaitable[None]]] = []

    def create(self, document: Mapping[str, Any]) -> None:
        """Store a new document (the caller checked `current is None`)."""
        if self.current is not None:
            raise ValueError(f"{self.id} exists already")
        self._created = {**document, "_id": self.id}

    def set(self, fields: Mapping[str, Any]) -> None:
        if self._created is not None:
            self._created.update(fields)
        else:
            self._set.update(fields)

    def push(self, field: str, *values: Any) -> None:
        """Append to an array field."""
        if self._created is not None:
            self._created.setdefault(field, []).extend(values)
        else:
            self._push.setdefault(field, []).extend(values)

    def emit(self, *events: Event) -> None:
        self.events.extend(events)

    def after_write(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run `step` once the change is written (or found nothing to write), still under
        the document's lock: for what must follow the write, such as the timer saying when
        to look at the document next (services.common.timers)."""
        self.steps_after_write.append(step)

    @property
    def changed(self) -> bool:
        return self._created is not None or bool(self._set or self._push or self.events)

    @property
    def exactly_known(self) -> bool:
        """Whether `document` is exactly what the store holds once the edit is written
        (a dotted path would reach into a field rather than name one)."""
        exists = self.current is not None or self._created is not None
        return exists and not any("." in name for name in (*self._set, *self._push))

    @property
    def document(self) -> Document:
        """The document as it is once the edit is written (without its outbox)."""
        if self._created is not None:
            return {**self._created, "version": 1}
        current = dict(self.current or {})
        pushed = {field: [*current.get(field, []), *values] for field, values in self._push.items()}
        version = current.get("version", 0) + (1 if self.changed else 0)
        return {**current, **self._set, **pushed, "version": version}

    def write(
        self, cipher: FieldCipher | None = None, seal: Sealing | None = None
    ) -> tuple[str, Any]:
        """("insert", document) or ("update", update operators); nothing to do: ("none", None).
        With a cipher (its trusts' keys loaded), event bodies are sealed; with `seal`, the
        collection's free-text fields (the edit itself keeps them as text)."""
        keep: Sealing = seal or (lambda _key, value: value)
        if self._created is not None:
            created = {key: keep(key, value) for key, value in self._created.items()}
            return "insert", with_outbox({**created, "version": 1}, self.events, cipher)
        if not self.changed:
            return "none", None
        update = merge_updates({"$inc": {"version": 1}}, push_events(self.events, cipher))
        if self._set:
            update = merge_updates(
                update, {"$set": {key: keep(key, value) for key, value in self._set.items()}}
            )
        if self._push:
            pushes = {
                field: {"$each": [keep(field, value) for value in values]}
                for field, values in self._push.items()
            }
            update = merge_updates(update, {"$push": pushes})
        return "update", update


def as_read(edit: DocumentEdit) -> Document:
    """The filter of a write that applies only if the document is still as the edit read
    it (its version; a document from before versions has none)."""
    version = (edit.current or {}).get("version")
    return {"_id": edit.id, "version": version if version is not None else {"$exists": False}}
