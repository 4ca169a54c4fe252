"""A trained duplicate model saved, checked and reused instead of trained again
(docs/dedup.md): files, dicts, the `dedupe` command and the verifier."""

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import doichieu
from doichieu import DedupModel, InvalidInputError
from doichieu.cli import main
from doichieu.generate import generate_frames, generate_province
from doichieu.verifier.engine_adapter import EngineAdapter


@pytest.fixture(scope="module")
def roster() -> pl.DataFrame:
    return generate_frames(6_000, seed=7).roster


@pytest.fixture(scope="module")
def trained(roster: pl.DataFrame) -> doichieu.DuplicateResult:
    # Threshold 0: every candidate pair comes back with its score.
    return doichieu.find_duplicates(roster, threshold=0.0)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_loaded_model_scores_every_pair_as_the_trained_one(
    tmp_path: Path, roster: pl.DataFrame, trained: doichieu.DuplicateResult
) -> None:
    path = tmp_path / "model.json"
    trained.model.save(path)
    loaded = DedupModel.load(path)
    assert loaded.to_dict() == trained.model.to_dict()
    again = doichieu.find_duplicates(roster, threshold=0.0, model=loaded)
    assert again.pairs.height == trained.candidate_pairs == again.candidate_pairs > 1000
    # Same pairs, same scores to the last bit (match_weight is not rounded).
    assert again.pairs.equals(trained.pairs)
    assert again.clusters.equals(trained.clusters)
    assert again.model.to_dict() == trained.model.to_dict()


def test_a_saved_model_finds_what_training_finds(tmp_path: Path, roster: pl.DataFrame) -> None:
    fresh = doichieu.find_duplicates(roster)
    path = tmp_path / "model.json"
    fresh.model.save(path)
    reused = doichieu.find_duplicates(roster, model=DedupModel.load(path))
    assert reused.pairs.height > 0
    assert reused.pairs.equals(fresh.pairs)
    assert reused.clusters.equals(fresh.clusters)
    assert reused.warnings == fresh.warnings


def test_the_dict_and_the_file_say_the_same(tmp_path: Path, trained: doichieu.DuplicateResult) -> None:
    d = trained.model.to_dict()
    assert d["format"] == "doichieu.dedup-model" and d["version"] == 1
    assert list(d["fields"]["name"])[0] == "same_name"
    assert DedupModel.from_dict(d).to_dict() == d
    path = tmp_path / "model.json"
    trained.model.save(path)
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["written_by"].startswith("doichieu-engine ")
    assert DedupModel.from_dict(on_disk).to_dict() == d


def test_the_file_is_private_and_replaced_whole(tmp_path: Path, trained: doichieu.DuplicateResult) -> None:
    path = tmp_path / "model.json"
    path.write_text("an older file anyone could read")
    path.chmod(0o644)
    old_umask = os.umask(0)
    try:
        trained.model.save(path)
    finally:
        os.umask(old_umask)
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
    assert DedupModel.load(path).to_dict() == trained.model.to_dict()


def edited(trained: doichieu.DuplicateResult, tmp_path: Path, edit: Callable[[dict[str, Any]], object]) -> Path:
    """The trained model's file with one thing changed by `edit`."""
    d = json.loads(json.dumps(trained.model.to_dict()))
    edit(d)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


def test_foreign_corrupt_and_old_files_are_refused(tmp_path: Path, trained: doichieu.DuplicateResult) -> None:
    good = tmp_path / "model.json"
    trained.model.save(good)
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(InvalidInputError, match="not a doichieu duplicate model"):
        DedupModel.load(truncated)
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("member_id,full_name\nM1,Nguyễn Văn An\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not a doichieu duplicate model"):
        DedupModel.load(roster_file)
    foreign = tmp_path / "splink.json"
    foreign.write_text(json.dumps({"link_type": "dedupe_only", "comparisons": []}))
    with pytest.raises(InvalidInputError, match='not a doichieu duplicate model: it has no "format"'):
        DedupModel.load(foreign)
    old = edited(trained, tmp_path, lambda d: d.update(version=0))
    with pytest.raises(InvalidInputError, match="format version 0; this build reads version 1: train the model again"):
        DedupModel.load(old)
    other_layout = edited(trained, tmp_path, lambda d: d["fields"].pop("admission_date"))
    with pytest.raises(InvalidInputError, match=r'other fields or levels \(fields: missing \["admission_date"\]'):
        DedupModel.load(other_layout)
    with pytest.raises(InvalidInputError, match="impossible value: lambda is 2"):
        DedupModel.from_dict(dict(trained.model.to_dict(), **{"lambda": 2.0}))
    with pytest.raises(InvalidInputError, match="not a doichieu duplicate model"):
        DedupModel.from_dict({"format": "doichieu.dedup-model", "version": 1, "fields": {1, 2}})
    with pytest.raises(FileNotFoundError, match="missing.json"):
        DedupModel.load(tmp_path / "missing.json")


def test_dedupe_saves_a_model_and_reuses_it(tmp_path: Path, roster: pl.DataFrame) -> None:
    roster_path = tmp_path / "roster.csv"
    roster.head(3_000).write_csv(roster_path)
    model_path = tmp_path / "checked" / "model.json"
    model_path.parent.mkdir()
    args = ["dedupe", "--roster", str(roster_path)]
    assert main([*args, "--out", str(tmp_path / "trained"), "--save-model", str(model_path)]) == 0
    assert mode(model_path) == 0o600
    assert main([*args, "--out", str(tmp_path / "reused"), "--model", str(model_path)]) == 0
    for name in ("pairs.csv", "clusters.csv"):
        assert (tmp_path / "reused" / name).read_bytes() == (tmp_path / "trained" / name).read_bytes()
    (tmp_path / "bad.json").write_text("{}")
    assert main([*args, "--out", str(tmp_path / "bad"), "--model", str(tmp_path / "bad.json")]) == 2


def test_the_verifier_uses_a_saved_model_instead_of_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = generate_province(tmp_path / "prov", members=3_000, seed=11, fmt="csv")
    calls: list[tuple[DedupModel | None, DedupModel]] = []
    real = doichieu.dedup.find_duplicates

    def spy(roster: pl.DataFrame, **options: Any) -> doichieu.DuplicateResult:
        result = real(roster, **options)
        calls.append((options.get("model"), result.model))
        return result

    monkeypatch.setattr(doichieu.dedup, "find_duplicates", spy)
    trained = EngineAdapter(made.population, made.roster)
    [(given, model)] = calls
    assert given is None
    model_path = tmp_path / "model.json"
    model.save(model_path)
    calls.clear()
    loaded = EngineAdapter(made.population, made.roster, dedup_model=model_path)
    [(given, used)] = calls
    assert given is not None and used.to_dict() == model.to_dict()
    assert any(trained._same_person.values())
    assert loaded._same_person == trained._same_person
    (tmp_path / "bad.json").write_text(json.dumps({"format": "doichieu.dedup-model", "version": 9}))
    with pytest.raises(InvalidInputError, match="format version 9"):
        EngineAdapter(made.population, made.roster, dedup_model=tmp_path / "bad.json")


def test_serve_refuses_a_model_without_a_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "serve", "--population", "p.csv", "--dedup-model", str(tmp_path / "m.json")]) == 2
    assert "--dedup-model needs --roster" in capsys.readouterr().err
