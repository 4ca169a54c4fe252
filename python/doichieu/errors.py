"""Exceptions raised by doichieu.

Every error names the field or position and the value's problem, never the value
itself when it may be personal data (a name, a citizen ID).
"""


class DoichieuError(Exception):
    """Base class of every error doichieu raises on purpose."""


class InvalidInputError(DoichieuError, ValueError):
    """Input that cannot be processed as given (malformed, inconsistent)."""


class InputTooLongError(InvalidInputError):
    """A value longer than the documented cap (see ``doichieu.MAX_NAME_BYTES``)."""


class NotAStringError(DoichieuError, TypeError):
    """A value that should be text is something else (None, a number, bytes)."""


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
