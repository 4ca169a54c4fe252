"""Minimal disclosure (issue 16): Verify is not a lookup of the population. A
caller learns the verdict, findings about what it sent, and candidates by masked
citizen ID; only a site listed in ``--full-disclosure-sites``, proven by its
client certificate, sees the population's records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from doichieu.errors import InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.disclosure import load_full_disclosure_sites
from doichieu.verifier.tls import channel_credentials
from grpc_harness import PEOPLE, InProcessServer, Pki, make_engine, make_pki, member_message, stub, write_tables

TRUSTED, INTAKE = "so-noi-vu", "site-phuong-01"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_engine(*write_tables(tmp_path_factory.mktemp("tables")))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), [TRUSTED, INTAKE])


@pytest.fixture(scope="module")
def server(engine: Any, pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    folder = tmp_path_factory.mktemp("server")
    sites = folder / "full-disclosure-sites.txt"
    sites.write_text(f"# the provincial data team\n{TRUSTED}\n", encoding="utf-8")
    with InProcessServer(
        engine,
        f"sqlite:///{folder / 'ledger.db'}",
        tls_cert=str(pki.server_cert),
        tls_key=str(pki.server_key),
        client_ca=str(pki.ca),
        full_disclosure_sites=str(sites),
    ) as running:
        yield running


def as_site(server: InProcessServer, pki: Pki, site: str) -> Any:
    cert, key = pki.clients[site]
    return stub(f"localhost:{server.port}", channel_credentials(pki.ca, cert, key))


def population_text(person: int) -> list[str]:
    """What the population holds about a person that a caller may not have sent."""
    _, name, dob, _, cid, _, _ = PEOPLE[person]
    return [name, dob, cid, "Hà Nội"]


def test_a_citizen_id_with_any_name_does_not_read_out_the_person(server: InProcessServer, pki: Pki) -> None:
    verifier = as_site(server, pki, INTAKE)
    probe = pb.MemberRecord(member_id="X1", full_name="Lý Văn Tư", citizen_id=PEOPLE[3][4])
    answer = verifier.Verify(pb.VerifyRequest(member=probe), timeout=10).verification
    assert answer.verdict != pb.VERDICT_ACCEPT and answer.findings
    assert not answer.HasField("matched_record")
    text = answer.SerializeToString().decode("utf-8", errors="replace")
    for secret in population_text(3)[:2] + ["Phạm", "1990"]:
        assert secret not in text, secret
    for finding in answer.findings:
        assert finding.population_value == ""


def test_a_name_and_birth_date_get_candidates_by_masked_id_only(server: InProcessServer, pki: Pki) -> None:
    verifier = as_site(server, pki, INTAKE)
    _, name, dob, *_ = PEOPLE[5]
    probe = pb.MemberRecord(member_id="X2", full_name=name, date_of_birth=dob)
    answer = verifier.Verify(pb.VerifyRequest(member=probe), timeout=10).verification
    assert answer.candidates
    cid = PEOPLE[5][4]
    assert [c.record for c in answer.candidates][0] == pb.PopulationRecord(citizen_id="********" + cid[-4:])
    assert cid not in answer.SerializeToString().decode("utf-8", errors="replace")


def test_submit_and_stream_answers_carry_no_population_values(server: InProcessServer, pki: Pki) -> None:
    verifier = as_site(server, pki, INTAKE)
    wrong_dob = member_message(1, date_of_birth="05/11/1983")
    submitted = verifier.Submit(
        pb.SubmitRequest(submission_id="d-1", member=wrong_dob, machine_id="m1", officer_id="o1"), timeout=10
    )
    (streamed,) = list(verifier.VerifyStream(iter([pb.VerifyStreamRequest(members=[wrong_dob])]), timeout=10))
    for verification in (submitted.verification, streamed.verifications[0]):
        assert [f.code for f in verification.findings] == ["DOB_MISMATCH"]
        assert verification.findings[0].population_value == ""
        assert "1982" not in verification.SerializeToString().decode("utf-8", errors="replace")


def test_a_listed_site_sees_the_population_record(server: InProcessServer, pki: Pki) -> None:
    request = pb.VerifyRequest(member=member_message(1, date_of_birth="05/11/1983"))
    full = as_site(server, pki, TRUSTED).Verify(request, timeout=10).verification
    assert full.matched_record.citizen_id == PEOPLE[1][4]
    assert full.matched_record.date_of_birth == PEOPLE[1][2]
    dob = next(f for f in full.findings if f.code == "DOB_MISMATCH")
    assert "1982" in dob.population_value and "1982" in dob.message_vi
    (streamed,) = list(
        as_site(server, pki, TRUSTED).VerifyStream(iter([pb.VerifyStreamRequest(members=[request.member])]), timeout=10)
    )
    assert "1982" in streamed.verifications[0].findings[0].population_value


def test_full_disclosure_needs_mutual_tls(engine: Any, tmp_path: Path) -> None:
    sites = tmp_path / "sites.txt"
    sites.write_text(f"{TRUSTED}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="--client-ca"):
        InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}", full_disclosure_sites=str(sites))


@pytest.mark.parametrize("line", ["two words", "<b>site</b>", "a" * 80])
def test_a_sites_file_line_that_is_not_a_site_id_stops_the_start(tmp_path: Path, line: str) -> None:
    sites = tmp_path / "sites.txt"
    sites.write_text(f"{TRUSTED}\n{line}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="line 2"):
        load_full_disclosure_sites(sites)


def test_without_a_certificate_nobody_gets_full_disclosure(engine: Any, tmp_path: Path) -> None:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as plain:
        answer = stub(plain.target).Verify(pb.VerifyRequest(member=member_message(0)), timeout=10)
    assert answer.verification.verdict == pb.VERDICT_ACCEPT
    assert not answer.verification.HasField("matched_record")
