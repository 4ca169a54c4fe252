"""Shared pieces of the gRPC verifier tests: synthetic tables (eight hand-written
people, or a province from `doichieu generate` with its truth), a real server on
a loopback port (in this process or as a `doichieu serve` child), and a
throw-away certificate authority.

Every person here is made up: names from common syllables, citizen numbers
built from the documented layout with random tails.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import polars as pl

from doichieu.v1 import verifier_pb2 as pb
from doichieu.v1 import verifier_pb2_grpc as pb_grpc
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier.runner import ServerConfig, start_server

REPO = Path(__file__).resolve().parent.parent

# (member_id, full_name, date_of_birth, gender, citizen_id, ward, party_unit)
PEOPLE = [
    ("M001", "Nguyễn Văn An", "12/03/1970", "Nam", "001070123456", "Phường Ba Đình", "Chi bộ 1"),
    ("M002", "Trần Thị Bình", "05/11/1982", "Nữ", "001182654321", "Phường Ba Đình", "Chi bộ 1"),
    ("M003", "Lê Hoàng Cường", "23/07/1965", "Nam", "038065111222", "Phường Ba Đình", "Chi bộ 2"),
    ("M004", "Phạm Thị Dung", "30/01/1990", "Nữ", "038190333444", "Phường Ba Đình", "Chi bộ 2"),
    ("M005", "Hoàng Văn Em", "14/02/1958", "Nam", "040058555666", "Phường Kim Mã", "Chi bộ 3"),
    ("M006", "Vũ Thị Giang", "09/09/1975", "Nữ", "040175777888", "Phường Kim Mã", "Chi bộ 3"),
    ("M007", "Đặng Quốc Hải", "01/06/1988", "Nam", "079088999000", "Phường Kim Mã", "Chi bộ 4"),
    ("M008", "Bùi Thị Hạnh", "17/12/1993", "Nữ", "079193246810", "Phường Kim Mã", "Chi bộ 4"),
]


def write_tables(folder: Path) -> tuple[Path, Path]:
    """population.csv and roster.csv for PEOPLE; the roster is as clean as the population."""
    population = pl.DataFrame(
        {
            "citizen_id": [p[4] for p in PEOPLE],
            "full_name": [p[1] for p in PEOPLE],
            "other_names": [""] * len(PEOPLE),
            "date_of_birth": [p[2] for p in PEOPLE],
            "gender": [p[3] for p in PEOPLE],
            "hometown": ["Hà Nội"] * len(PEOPLE),
            "old_id_number": [""] * len(PEOPLE),
        }
    )
    roster = pl.DataFrame([member(i) for i in range(len(PEOPLE))])
    population_path, roster_path = folder / "population.csv", folder / "roster.csv"
    population.write_csv(population_path)
    roster.write_csv(roster_path)
    return population_path, roster_path


def member(i: int, **changes: str) -> dict[str, str]:
    member_id, name, dob, gender, cid, ward, unit = PEOPLE[i]
    year = int(dob[-4:])
    record = {
        "member_id": member_id,
        "full_name": name,
        "birth_name": "",
        "date_of_birth": dob,
        "gender": gender,
        "citizen_id": cid,
        "party_card_number": f"{10000000 + i * 7919:08d}",
        "admission_date": f"01/05/{year + 25}",
        "official_date": f"01/05/{year + 26}",
        "party_unit": unit,
        "ward": ward,
        "hometown": "Hà Nội",
        "status": "official",
    }
    record.update(changes)
    return record


def member_message(i: int, **changes: str) -> pb.MemberRecord:
    return pb.MemberRecord(**member(i, **changes))


def make_engine(population: Path, roster: Path | None) -> Any:
    """The real record model (``doichieu.records``) behind the server's adapter."""
    from doichieu.verifier.engine_adapter import EngineAdapter

    return EngineAdapter(population, roster)


class WrappedWire:
    """A real wire path (the compiled index's Verify and VerifyStream on bytes)
    with ``before(method, data)`` run ahead of each call: a delay, a wait on an
    event, an exception or a panic at the place where production calls in."""

    def __init__(self, inner: Any, before: Callable[[str, Any], None]) -> None:
        self.inner, self.before = inner, before

    def verify_request_bytes(self, data: bytes, field_caps: Sequence[int], full_disclosure: bool = False) -> bytes:
        self.before("verify_request_bytes", data)
        return self.inner.verify_request_bytes(data, field_caps, full_disclosure=full_disclosure)  # type: ignore[no-any-return]

    def verify_stream_bytes(
        self,
        chunks: Sequence[bytes],
        first_request: int,
        field_caps: Sequence[int],
        max_chunk: int,
        full_disclosure: bool = False,
    ) -> list[bytes]:
        self.before("verify_stream_bytes", chunks)
        return self.inner.verify_stream_bytes(  # type: ignore[no-any-return]
            chunks, first_request, field_caps, max_chunk, full_disclosure=full_disclosure
        )


class WrappedEngine:
    """A real ``EngineAdapter`` whose wire path is a ``WrappedWire``; the rest
    (required list, units, same-person IDs) is the adapter's own."""

    def __init__(self, inner: Any, before: Callable[[str, Any], None]) -> None:
        self.inner = inner
        self.wire = WrappedWire(inner.wire, before)
        self.required = inner.required

    def unit_of(self, member_id: str) -> tuple[str, str] | None:
        return self.inner.unit_of(member_id)  # type: ignore[no-any-return]

    def same_person_of(self, member_id: str) -> tuple[str, ...]:
        return self.inner.same_person_of(member_id)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- answers against the record model


def _enum_name(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix).lower()


def population_fields(record: Any) -> tuple[str, ...]:
    """A population record (message or ``records.PopulationRecord``) as comparable text."""
    return (
        record.citizen_id,
        record.full_name,
        "; ".join(record.other_names),
        record.date_of_birth,
        record.gender,
        record.hometown,
        record.old_id_number,
    )


def finding_fields(finding: Any) -> tuple[str, ...]:
    """A finding message as the record model spells it (names, not enum numbers)."""
    return (
        finding.code,
        finding.field,
        _enum_name(pb.Severity, finding.severity, "SEVERITY_"),
        _enum_name(pb.Owner, finding.owner, "OWNER_"),
        finding.party_value,
        finding.population_value,
        finding.message_vi,
        finding.message_en,
    )


def _summaries() -> dict[str, tuple[str, str]]:
    """code -> (summary_vi, summary_en), the message of a finding under minimal disclosure."""
    from doichieu._engine import finding_codes

    return {row["code"]: (row["summary_vi"], row["summary_en"]) for row in finding_codes()}


def masked(citizen_id: str) -> str:
    """A citizen ID as minimal disclosure shows it: its last four digits behind eight stars."""
    return "********" + (citizen_id[-4:] if len(citizen_id) > 4 else "")


def assert_answers(
    answer: pb.Verification, expected: Any, *, bulk: bool = False, full: bool = True, what: str = ""
) -> None:
    """``answer`` (a wire answer) says what ``expected`` (``records.PopulationIndex.verify``'s
    ``Verdict`` for the same member) says: verdict, every finding field, and unless
    ``bulk`` (a stream answers verdicts and findings only) the matched record, the
    name alignment and the candidates. Without ``full`` (minimal disclosure) no
    population value: findings without theirs and with the code's summary for a
    message, no matched record, no population syllables, candidates by masked ID."""
    summaries = _summaries()
    assert _enum_name(pb.Verdict, answer.verdict, "VERDICT_") == expected.verdict, what
    assert [finding_fields(f) for f in answer.findings] == [
        (
            f.code,
            f.field,
            f.severity,
            f.owner,
            f.party_value or "",
            (f.population_value or "") if full else "",
            (f.message_vi or "") if full else summaries[f.code][0],
            (f.message_en or "") if full else summaries[f.code][1],
        )
        for f in expected.findings
    ], what
    if bulk:
        assert not answer.HasField("matched_record") and not answer.HasField("name_alignment"), what
        assert not answer.candidates, what
        return
    if expected.matched is None or not full:
        assert not answer.HasField("matched_record"), what
    else:
        assert population_fields(answer.matched_record) == population_fields(expected.matched), what
    if expected.name_match is None:
        assert not answer.HasField("name_alignment"), what
    else:
        alignment, name_match = answer.name_alignment, expected.name_match
        assert (alignment.kind, alignment.score) == (name_match.kind, name_match.score), what
        assert [
            (
                s.party_index if s.HasField("party_index") else None,
                s.population_index if s.HasField("population_index") else None,
                s.party_text,
                s.population_text,
                s.relation,
            )
            for s in alignment.syllables
        ] == [(s.left, s.right, s.left_text, s.right_text if full else "", s.relation) for s in name_match.syllables], (
            what
        )
    if full:
        assert [(population_fields(c.record), c.score) for c in answer.candidates] == [
            (population_fields(c.record), c.score) for c in expected.candidates
        ], what
    else:
        assert [(c.record, c.score) for c in answer.candidates] == [
            (pb.PopulationRecord(citizen_id=masked(c.record.citizen_id)), c.score) for c in expected.candidates
        ], what


# ---------------------------------------------------------------- a generated province


@dataclass
class Province:
    """A synthetic province from ``doichieu generate``, what was planted in it,
    and what the record model finds in it checked in this process (what the
    server must answer over the wire)."""

    folder: Path
    population: Path
    roster: Path
    #: The roster's rows, in order, as member dicts (the record-model columns).
    members: list[dict[str, str]]
    #: member_id -> the finding codes the generator planted (its truth files).
    truth: dict[str, set[str]]
    #: member_id -> the codes and the verdict of ``PopulationIndex.verify_all`` in this process.
    found: dict[str, set[str]]
    verdicts: dict[str, str]
    #: code -> severity, from the record model's table of codes.
    severity: dict[str, str]

    def expected(self, member_id: str) -> set[str]:
        return self.found.get(member_id, set())

    def blocking(self, member_id: str) -> set[str]:
        """The codes that hold the member's card back (review or error)."""
        return {c for c in self.expected(member_id) if self.severity[c] in ("review", "error")}

    def verdict(self, member_id: str) -> str:
        return self.verdicts[member_id]

    def agrees_with_truth(self, member_id: str) -> bool:
        return self.expected(member_id) == self.truth.get(member_id, set())


def generated_province(folder: Path, members: int = 4000, seed: int = 11) -> Province:
    """``doichieu generate``'s files (CSV), its truth, and the record model's findings."""
    from doichieu.generate import generate_province
    from doichieu.records import PopulationIndex, finding_codes, load_roster

    made = generate_province(folder, members=members, seed=seed)
    roster = pl.read_csv(made.roster, infer_schema=False).fill_null("")
    truth: dict[str, set[str]] = {}
    for member_id, code in pl.read_csv(made.truth_findings, infer_schema=False).select("member_id", "code").iter_rows():
        truth.setdefault(member_id, set()).add(code)
    findings, verdicts = PopulationIndex(made.population).verify_all(load_roster(made.roster))
    found: dict[str, set[str]] = {}
    for member_id, code in findings.select("member_id", "code").iter_rows():
        found.setdefault(member_id, set()).add(code)
    codes = finding_codes()
    return Province(
        folder=folder,
        population=made.population,
        roster=made.roster,
        members=list(roster.iter_rows(named=True)),
        truth=truth,
        found=found,
        verdicts=dict(verdicts.select("member_id", "verdict").iter_rows()),
        severity=dict(zip(codes["code"].to_list(), codes["severity"].to_list())),
    )


class InProcessServer:
    """The real server on its own event loop thread, on 127.0.0.1 and a free port."""

    def __init__(self, engine: Any, ledger_url: str, port: int = 0, **config: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-server-loop", daemon=True)
        self.thread.start()
        self.ledger = ledger_mod.open_ledger(ledger_url)
        settings = ServerConfig(population="", roster=None, host="127.0.0.1", port=port, ledger=ledger_url, **config)
        self.running = asyncio.run_coroutine_threadsafe(start_server(settings, engine, self.ledger), self.loop).result(
            timeout=30
        )
        self.port = self.running.port
        self.target = f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.running.stop(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def __enter__(self) -> InProcessServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stub(target: str, credentials: grpc.ChannelCredentials | None = None, **options: Any) -> pb_grpc.VerifierStub:
    opts = list(options.items())
    channel = (
        grpc.secure_channel(target, credentials, options=opts)
        if credentials
        else grpc.insecure_channel(target, options=opts)
    )
    return pb_grpc.VerifierStub(channel)


@dataclass
class ChildServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def spawn_server(
    folder: Path, population: Path, roster: Path, ledger: str, *extra: str, name: str = "server"
) -> ChildServer:
    """`doichieu serve` in a child process; waits until it listens."""
    port_file = folder / f"{name}.port"
    port_file.unlink(missing_ok=True)
    log_path = folder / f"{name}.log"
    log = open(log_path, "ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doichieu",
            "serve",
            "--population",
            str(population),
            "--roster",
            str(roster),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--ledger",
            ledger,
            "--port-file",
            str(port_file),
            *extra,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    log.close()
    deadline = time.monotonic() + 60
    while not port_file.exists():
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"server did not start:\n{log_path.read_text()}")
        time.sleep(0.05)
    return ChildServer(process, int(port_file.read_text()), log_path)


# ---------------------------------------------------------------- certificates


@dataclass
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    clients: dict[str, tuple[Path, Path]]
    #: The CA's private key, for certificates with odd identities (``issue_client_certificate``).
    ca_key: Path


def make_pki(folder: Path, sites: list[str], *, ca_name: str = "doichieu test CA") -> Pki:
    """A CA, a server certificate for 127.0.0.1/localhost, one client certificate per site (CN = site)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    folder.mkdir(parents=True, exist_ok=True)

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_subject)
        .issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = folder / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    ca_key_path = folder / "ca.key"
    ca_key_path.write_bytes(key_pem(ca_key))

    def issue(cn: str, server: bool) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(ca_subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]),
                critical=False,
            )
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
        cert = builder.sign(ca_key, hashes.SHA256())
        safe = cn.replace("/", "_")
        cert_path, key_path = folder / f"{safe}.pem", folder / f"{safe}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key_pem(key))
        return cert_path, key_path

    server_cert, server_key = issue("localhost", server=True)
    return Pki(ca_path, server_cert, server_key, {site: issue(site, server=False) for site in sites}, ca_key_path)


def issue_client_certificate(
    pki: Pki, name: str, *, common_names: Sequence[str] = (), alternative_names: Sequence[str] = ()
) -> tuple[Path, Path]:
    """A client certificate signed by ``pki``'s CA with exactly these subject CNs
    (none, one or several) and DNS subject alternative names: for identities a
    well-run CA would never issue. Written beside the CA as ``name``.pem/.key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert = x509.load_pem_x509_certificate(pki.ca.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn) for cn in common_names]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )
    if alternative_names:
        builder = builder.add_extension(
            # A certificate without a subject must mark its alternative names critical (RFC 5280).
            x509.SubjectAlternativeName([x509.DNSName(san) for san in alternative_names]),
            critical=not common_names,
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    folder = pki.ca.parent
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path
