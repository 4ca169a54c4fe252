"""Exceptions raised by doichieu.

Every error names the field or position and the value's problem, never the value
itself when it may be personal data (a name, a citizen ID).

The classes the engine raises are defined in the compiled module and re-exported
here; the ones only Python raises derive from them.
"""

from doichieu._engine import DoichieuError, InputTooLongError, InvalidInputError, NotAStringError

__all__ = [
    "ColumnError",
    "DoichieuError",
    "EmptyFileError",
    "FileEncodingError",
    "FileFormatError",
    "InputTooLongError",
    "InvalidInputError",
    "NotAStringError",
]


class FileFormatError(InvalidInputError):
    """A file that cannot be read as what its name says: corrupt, truncated, empty,
    or of another type. The message names the file and what to do."""


class FileEncodingError(FileFormatError):
    """A text file that is not UTF-8 (Windows-1258, UTF-16, a legacy font's bytes)."""


class EmptyFileError(FileFormatError):
    """A file with no data: zero bytes, or column headers and no rows."""


class ColumnError(InvalidInputError):
    """A table whose columns cannot be mapped onto the expected ones. ``missing``
    lists required columns not found, ``unknown`` the headers not recognised,
    ``duplicated`` the columns more than one header maps to."""

    def __init__(
        self,
        message: str,
        missing: tuple[str, ...] = (),
        unknown: tuple[str, ...] = (),
        duplicated: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.missing = missing
        self.unknown = unknown
        self.duplicated = duplicated
