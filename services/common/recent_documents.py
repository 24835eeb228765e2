"""Documents of version-guarded collections as this process last wrote them, so that the
next edit of one starts from what the writer already has instead of reading it back: a
child's case and pattern watch are edited on every concern about the child.

Safe because the edit's write names the version it started from (services.common.
unit_of_work): if another replica wrote the document since, the write matches nothing,
the entry is dropped, and the redo reads the store. Only an edit whose result this process
can work out exactly is kept (no dotted field paths), and it is kept as BSON, so that each
edit gets a fresh copy with the types a read from the store would give it (datetimes to
the millisecond, in UTC).
"""

from __future__ import annotations

from typing import Any

import bson
from bson.codec_options import CodecOptions
from cachetools import LRUCache

from services.common.document_edit import DocumentEdit
from services.common.store import Document

_AS_READ: CodecOptions[Document] = CodecOptions(tz_aware=True)


class RecentDocuments:
    def __init__(self, max_documents: int = 2_000) -> None:
        self._kept: LRUCache[tuple[str, Any], bytes] = LRUCache(maxsize=max_documents)

    def get(self, collection: str, doc_id: Any) -> Document | None:
        kept = self._kept.get((collection, doc_id))
        return bson.decode(kept, codec_options=_AS_READ) if kept is not None else None

    def keep(self, collection: str, edit: DocumentEdit) -> None:
        """The document as `edit` has just written it."""
        if not edit.exactly_known:
            self.forget(collection, edit.id)
            return
        self._kept[(collection, edit.id)] = bson.encode(edit.document)

    def forget(self, collection: str, doc_id: Any) -> None:
        self._kept.pop((collection, doc_id), None)
