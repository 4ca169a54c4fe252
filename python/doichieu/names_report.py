"""The names report shared by ``doichieu names`` and the demo: a TSV of display
form, same-name key and blocking key per name, or of kind and score per pair."""

from __future__ import annotations

from typing import TextIO

from doichieu.errors import CataloguedError
from doichieu.names import compare_names, compare_names_bulk, fold_keys, name_keys, normalize_names


def write_names_report(lines: list[str], out: TextIO, explain: bool) -> int:
    pairs = [line.split("\t") for line in lines]
    if pairs and all(len(p) == 2 for p in pairs):
        left = [p[0] for p in pairs]
        right = [p[1] for p in pairs]
        kinds, scores = compare_names_bulk(left, right)
        shown_left = normalize_names(left)
        shown_right = normalize_names(right)
        out.write("left\tright\tkind\tscore\n")
        for a, b, kind, score, raw_a, raw_b in zip(shown_left, shown_right, kinds, scores, left, right):
            out.write(f"{a}\t{b}\t{kind}\t{score:.3f}\n")
            if explain and kind not in ("identical", "equivalent"):
                for syl in compare_names(raw_a, raw_b).syllables:
                    if syl.relation not in ("same", "equivalent"):
                        out.write(f"\t  {syl.left_text or '—'} ↔ {syl.right_text or '—'}: {syl.relation}\n")
        return 0
    if any(len(p) != 1 for p in pairs):
        bad = next(i for i, p in enumerate(pairs, 1) if len(p) not in (1,))
        raise CataloguedError("value.names_line", line=bad)
    out.write("display\tname_key\tfold_key\n")
    for row in zip(normalize_names(lines), name_keys(lines), fold_keys(lines)):
        out.write("\t".join(row) + "\n")
    return 0
