"""The docs stand on their own: no tracked file cites a path outside the repository,
and every relative link in README.md and docs/*.md leads to a file (and heading) that
exists. A reader of the project must be able to follow every reference in it."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: A folder of notes that lives beside the repository, never in it (spelled in two
#: parts so that this file does not cite it).
OUTSIDE_FOLDER = "shared" + "/reference"
#: A path that climbs out of the made-up repository in the last test (in two parts, likewise).
ESCAPE = "../" + "../elsewhere.md"

#: A run of ../ and the path after it.
PARENT_PATH = re.compile(r"(?<![\w.])((?:\.\./)+[\w.\-/]*)")

#: [text](target) or [text](target "title"); images too.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def lexical(path: Path) -> Path:
    """`path` with its .. resolved by name, not through symlinks (.venv/bin/python
    is a link to the system's interpreter, yet `../.venv/bin/python` names a path here)."""
    return Path(os.path.normpath(path))


def outside_citations(path: Path, text: str, root: Path = ROOT) -> list[str]:
    """Places in `text` (the contents of `path`) that cite something outside `root`."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{path.relative_to(root)}:{number}"
        if OUTSIDE_FOLDER in line:
            found.append(f"{where}: cites {OUTSIDE_FOLDER}")
        for match in PARENT_PATH.finditer(line):
            target = lexical(path.parent / match.group(1))
            if not target.is_relative_to(root):
                found.append(f"{where}: {match.group(1)} leads outside the repository")
    return found


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {slug(h) for h in HEADING.findall(FENCE.sub("", markdown))}


def broken_links(path: Path, text: str, root: Path = ROOT) -> list[str]:
    """Relative links in the markdown `text` of `path` whose file or heading is missing."""
    found = []
    for target in MARKDOWN_LINK.findall(FENCE.sub("", text)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # a URL: not checked here (no network in the tests)
        file_part, _, anchor = target.partition("#")
        linked = lexical(path.parent / file_part) if file_part else path
        where = f"{path.relative_to(root)}: {target}"
        if not linked.is_relative_to(root):
            found.append(f"{where} leads outside the repository")
        elif not linked.exists():
            found.append(f"{where} does not exist")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
            found.append(f"{where}: {linked.name} has no heading #{anchor}")
    return found


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_no_tracked_file_cites_a_path_outside_the_repository() -> None:
    files = tracked_files()
    assert len(files) > 50
    problems = [p for f in files if (text := text_of(f)) is not None for p in outside_citations(f, text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.name)
def test_every_relative_link_leads_somewhere(doc: Path) -> None:
    assert not broken_links(doc, doc.read_text(encoding="utf-8"))


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "other.md").write_text("# Who corrects what\n\n## `doichieu serve`: running it\n", encoding="utf-8")
    page = docs / "page.md"
    text = (
        "See [the table](../" + OUTSIDE_FOLDER + "/citizen-id.md), [a sibling](other.md#who-corrects-what),\n"
        "[a command](other.md#doichieu-serve-running-it), [gone](missing.md), [no heading](other.md#nowhere),\n"
        "[escape](" + ESCAPE + "), [web](https://example.org/x.md), [here](#a-heading).\n\n"
        "## A heading\n\n```\n[in code](not-checked.md)\n```\n"
    )
    page.write_text(text, encoding="utf-8")
    cited = outside_citations(page, text, tmp_path)
    assert any(OUTSIDE_FOLDER in c for c in cited)
    assert any(f"{ESCAPE} leads outside" in c for c in cited)
    assert outside_citations(page, "[proto](../proto/x.proto)", tmp_path) == []
    broken = broken_links(page, text, tmp_path)
    assert sorted(b.split(": ", 1)[1] for b in broken) == sorted(
        [
            "../" + OUTSIDE_FOLDER + "/citizen-id.md does not exist",
            "missing.md does not exist",
            "other.md#nowhere: other.md has no heading #nowhere",
            f"{ESCAPE} leads outside the repository",
        ]
    )
