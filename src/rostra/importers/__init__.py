"""Moving in and out: readers for other comment systems' exports, one streaming core that imports
them all (`core.Importer`), and Rostra's own JSON Lines format for exports (`rostra_format`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rostra.importers import commento, disqus, isso, remark42, rostra_format, wordpress
from rostra.importers.records import BadRecord, Comment, Story
from rostra.importers.source import SourceFile


@dataclass(frozen=True)
class Format:
    name: str
    read: Callable[[SourceFile, str | None], Iterator[Comment | Story | BadRecord]]
    description: str
    merge_authors_by_email: bool = True


FORMATS = {
    format.name: format
    for format in (
        Format(disqus.NAME, disqus.read, "Disqus XML export"),
        Format(wordpress.NAME, wordpress.read, "WordPress export (WXR)"),
        Format(isso.NAME, isso.read, "Isso's SQLite database (needs --base-url)"),
        Format(remark42.NAME, remark42.read, "Remark42 backup file (plain or gzipped)"),
        Format(commento.NAME, commento.read, "Commento / Comentario JSON export"),
        Format(rostra_format.NAME, rostra_format.read, "Rostra JSON Lines, as `rostra export` writes",
               merge_authors_by_email=False),
    )
}
