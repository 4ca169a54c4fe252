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
