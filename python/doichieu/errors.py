"""Exceptions raised by doichieu.

Every error names the field or position and the value's problem, never the value
itself when it may be personal data (a name, a citizen ID).

The classes the engine raises are defined in the compiled module and re-exported
here; the ones only Python raises derive from them. Those carry a key of the
message catalogue (``doichieu.messages``) and its values, so the command line
shows them in the user's language (``message``); ``str()`` is the English form.
"""

from __future__ import annotations

from doichieu import messages
from doichieu._engine import DoichieuError, InputTooLongError, InvalidInputError, NotAStringError

__all__ = [
    "CataloguedError",
    "ColumnError",
    "DoichieuError",
    "DuplicateHeaderError",
    "EmptyFileError",
    "FileEncodingError",
    "FileFormatError",
    "InputTooLongError",
    "InvalidInputError",
    "NotAStringError",
]


class CataloguedError(InvalidInputError):
    """Input that cannot be used, told by a catalogue key and its values."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the language in force)."""
        return messages.text_in(lang or messages.language(), self.key, **self.values)


class FileFormatError(CataloguedError):
    """A file that cannot be read as what its name says: corrupt, truncated, empty,
    or of another type. The message names the file and what to do."""


class FileEncodingError(FileFormatError):
    """A text file that is not UTF-8 (Windows-1258, UTF-16, a legacy font's bytes)."""


class EmptyFileError(FileFormatError):
    """A file with no data: zero bytes, or column headers and no rows."""


#: ``what`` of a ``ColumnError`` begins with the table's kind: its catalogue key.
_TABLE_KINDS = {"roster": "columns.roster", "population": "columns.population"}


class ColumnError(CataloguedError):
    """A table whose columns cannot be mapped onto the expected ones. ``what``
    names the table (``"roster roster.csv"``), ``missing`` lists required
    columns not found, ``unknown`` the headers not recognised, ``duplicated``
    the columns more than one header maps to, ``accepted`` the headers that
    would be recognised. The message says nothing of how to set unknown columns
    aside: that depends on the caller (the command line adds its flag)."""

    def __init__(
        self,
        what: str,
        missing: tuple[str, ...] = (),
        unknown: tuple[str, ...] = (),
        duplicated: tuple[str, ...] = (),
        accepted: str = "",
        hint: tuple[str, dict[str, object]] | None = None,
    ) -> None:
        self.what = what
        self.hint = hint
        self.missing = missing
        self.unknown = unknown
        self.duplicated = duplicated
        self.accepted = accepted
        super().__init__("columns.problem")

    def message(self, lang: str | None = None) -> str:
        lang = lang or messages.language()
        kind, _, name = self.what.partition(" ")
        what = messages.text_in(lang, _TABLE_KINDS[kind], what=name) if kind in _TABLE_KINDS and name else self.what
        if self.hint is not None:
            key, values = self.hint
            what += messages.text_in(lang, key, **values)
        parts = []
        if self.missing:
            parts.append(messages.text_in(lang, "columns.missing", columns=", ".join(self.missing)))
        if self.unknown:
            parts.append(messages.text_in(lang, "columns.unknown", columns=", ".join(repr(u) for u in self.unknown)))
        if self.duplicated:
            parts.append(messages.text_in(lang, "columns.duplicated", columns="; ".join(self.duplicated)))
        return messages.text_in(lang, "columns.problem", what=what, problems="; ".join(parts), accepted=self.accepted)


class DuplicateHeaderError(ColumnError):
    """The same header written over two columns of one file: ``doubled`` holds
    each header with the two columns (letters in a workbook, numbers in a text file)."""

    def __init__(self, file: str, doubled: tuple[tuple[str, str, str], ...]) -> None:
        self.what = file
        self.doubled = doubled
        self.missing = ()
        self.unknown = ()
        self.duplicated = tuple(f"{h} ({a} and {b})" for h, a, b in doubled)
        self.accepted = ""
        self.hint = None
        CataloguedError.__init__(self, "columns.same_header", file=file)

    def message(self, lang: str | None = None) -> str:
        lang = lang or messages.language()
        pairs = "; ".join(
            messages.text_in(lang, "columns.same_header_pair", header=h, first=a, second=b) for h, a, b in self.doubled
        )
        return messages.text_in(lang, "columns.same_header", file=self.what, pairs=pairs)
