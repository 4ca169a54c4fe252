"""Runs one measurement in a fresh interpreter and prints its result as JSON.

    .venv/bin/python benches/probe.py MODULE FUNCTION '{"n": 100000}'

Used by `benchkit.probe` for what must not share a process with other
measurements: memory peaks, and thread counts (rayon reads RAYON_NUM_THREADS
once per process).
"""

from __future__ import annotations

import json
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    module, function, kwargs = argv
    result = getattr(import_module(module), function)(**json.loads(kwargs))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
