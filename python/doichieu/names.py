"""The Vietnamese name layer.

One-name functions (``normalize_name``, ``name_key``, ``fold_key``,
``compare_names``) and bulk forms over whole columns (``normalize_names``,
``name_keys``, ``fold_keys``, ``compare_names_bulk``). A bulk form takes a list
of str, or an Arrow string column (polars Series, pyarrow Array/ChunkedArray, or
anything with ``__arrow_c_array__`` / ``__arrow_c_stream__``), runs on all cores
with the GIL released, and answers in the flavour it was given: a list for a
list, a polars Series for a polars Series, a pyarrow array for pyarrow. Nulls in
Arrow input stay null; ``None`` in a list is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from doichieu import _engine, vocabulary
from doichieu._engine import (
    MAX_NAME_BYTES,
    NameMatch,
    SyllableAlignment,
    compare_names,
    fold_key,
    name_key,
    normalize_name,
)

__all__ = [
    "MAX_NAME_BYTES",
    "MATCH_KINDS",
    "NameMatch",
    "SyllableAlignment",
    "compare_names",
    "compare_names_bulk",
    "fold_key",
    "fold_keys",
    "name_key",
    "name_keys",
    "normalize_name",
    "normalize_names",
]

#: Every value ``NameMatch.kind`` can take, from "same" to "different".
MATCH_KINDS = vocabulary.MATCH_KINDS


def _flavour_of(column: Any) -> Callable[[Any], Any]:
    """How to hand an engine result back in the caller's column type."""
    module = type(column).__module__.split(".")[0]
    if module == "polars":
        import polars as pl

        name = getattr(column, "name", "")
        return lambda result: pl.Series(result).alias(name)
    if module == "pyarrow":
        import pyarrow as pa

        return lambda result: pa.array(result)
    return lambda result: result


def normalize_names(names: Any) -> Any:
    """Canonical display forms of a column of names (see ``normalize_name``)."""
    return _flavour_of(names)(_engine.normalize_names(names))


def name_keys(names: Any) -> Any:
    """Same-name keys of a column of names (see ``name_key``)."""
    return _flavour_of(names)(_engine.name_keys(names))


def fold_keys(names: Any) -> Any:
    """Diacritic-free blocking keys of a column of names (see ``fold_key``)."""
    return _flavour_of(names)(_engine.fold_keys(names))


def compare_names_bulk(left: Any, right: Any) -> tuple[Any, Any]:
    """Compares ``left[i]`` with ``right[i]``; returns (kinds, scores) columns."""
    kinds, scores = _engine.compare_names_bulk(left, right)
    back = _flavour_of(left)
    return back(kinds), back(scores)
