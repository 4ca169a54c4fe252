"""TLS and mutual TLS: the site identity comes from the client certificate."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.tls import channel_credentials
from grpc_harness import InProcessServer, Pki, make_engine, make_pki, member_message, stub, write_tables


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), ["site-phuong-01", "site-phuong-02"])


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_engine(*write_tables(tmp_path_factory.mktemp("tables")))


@pytest.fixture
def mtls_server(engine: Any, pki: Pki, tmp_path: Path) -> Iterator[InProcessServer]:
    with InProcessServer(
        engine,
        f"sqlite:///{tmp_path / 'ledger.db'}",
        tls_cert=str(pki.server_cert),
        tls_key=str(pki.server_key),
        client_ca=str(pki.ca),
    ) as running:
        yield running


def as_site(pki: Pki, site: str) -> grpc.ChannelCredentials:
    cert, key = pki.clients[site]
    return channel_credentials(pki.ca, cert, key)


def request(i: int, site: str) -> pb.SubmitRequest:
    return pb.SubmitRequest(
        submission_id=str(uuid.uuid4()), member=member_message(i), site_id=site, machine_id="m1", officer_id="o1"
    )


def test_a_site_submits_as_itself_and_not_as_another(mtls_server: InProcessServer, pki: Pki) -> None:
    site_one = stub(mtls_server.target, as_site(pki, "site-phuong-01"))
    answer = site_one.Submit(request(0, "site-phuong-01"), timeout=10)
    assert answer.site_id == "site-phuong-01"
    # An empty site_id is filled from the certificate.
    unnamed = site_one.Submit(request(1, ""), timeout=10)
    assert unnamed.site_id == "site-phuong-01"

    with pytest.raises(grpc.RpcError) as impostor:
        site_one.Submit(request(2, "site-phuong-02"), timeout=10)
    assert impostor.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert mtls_server.ledger.count() == 2


def test_clients_without_a_certificate_of_our_ca_are_refused(
    mtls_server: InProcessServer, pki: Pki, tmp_path: Path
) -> None:
    without_cert = stub(mtls_server.target, channel_credentials(pki.ca))
    with pytest.raises(grpc.RpcError) as anonymous:
        without_cert.Verify(pb.VerifyRequest(member=member_message(0)), timeout=5)
    assert anonymous.value.code() == grpc.StatusCode.UNAVAILABLE

    rogue = make_pki(tmp_path / "rogue", ["site-phuong-01"], ca_name="rogue CA")
    cert, key = rogue.clients["site-phuong-01"]
    # Trusts our server, but its own certificate comes from another CA.
    forged = stub(mtls_server.target, channel_credentials(pki.ca, cert, key))
    with pytest.raises(grpc.RpcError) as refused:
        forged.Submit(request(3, "site-phuong-01"), timeout=5)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert mtls_server.ledger.count() == 0


def test_plain_tls_serves_and_plaintext_clients_fail(engine: Any, pki: Pki, tmp_path: Path) -> None:
    with InProcessServer(
        engine, f"sqlite:///{tmp_path / 'ledger.db'}", tls_cert=str(pki.server_cert), tls_key=str(pki.server_key)
    ) as running:
        secure = stub(running.target, channel_credentials(pki.ca))
        answer = secure.Verify(pb.VerifyRequest(member=member_message(0)), timeout=10)
        assert answer.verification.verdict == pb.VERDICT_ACCEPT
        # Without mTLS the site is the one the request names.
        assert secure.Submit(request(0, "site-x"), timeout=10).site_id == "site-x"
        with pytest.raises(grpc.RpcError) as plaintext:
            stub(running.target).Verify(pb.VerifyRequest(member=member_message(0)), timeout=3)
        assert plaintext.value.code() == grpc.StatusCode.UNAVAILABLE


def test_tls_options_are_checked(tmp_path: Path, pki: Pki) -> None:
    from doichieu.errors import InvalidInputError
    from doichieu.verifier.tls import server_credentials

    not_pem = tmp_path / "junk.pem"
    not_pem.write_text("hello")
    with pytest.raises(InvalidInputError, match="not a PEM"):
        server_credentials(not_pem, pki.server_key)
    with pytest.raises(InvalidInputError, match="cannot read"):
        server_credentials(tmp_path / "missing.pem", pki.server_key)
    with pytest.raises(InvalidInputError, match="goes together|needs its key"):
        channel_credentials(pki.ca, cert=pki.server_cert)
