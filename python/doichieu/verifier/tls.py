"""TLS and mutual TLS for the verifier.

With a client CA configured the server requires every client to present a
certificate signed by it, and the intake site is the certificate's identity:
its subject common name (CN), or, for a certificate without a CN, its only
subject alternative name. A site cannot submit as another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import grpc

from doichieu.errors import InvalidInputError


def _read(path: str | Path, what: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{what}: cannot read {path}: {exc.strerror}") from exc
    if b"-----BEGIN" not in data:
        raise InvalidInputError(f"{what}: {path} is not a PEM file")
    return data


def server_credentials(
    cert: str | Path, key: str | Path, client_ca: str | Path | None = None
) -> grpc.ServerCredentials:
    """TLS with the server's certificate chain and key; mutual TLS when ``client_ca`` is given."""
    chain = _read(cert, "--tls-cert")
    private_key = _read(key, "--tls-key")
    if client_ca is None:
        return grpc.ssl_server_credentials([(private_key, chain)])
    return grpc.ssl_server_credentials(
        [(private_key, chain)], root_certificates=_read(client_ca, "--client-ca"), require_client_auth=True
    )


def channel_credentials(
    ca: str | Path, cert: str | Path | None = None, key: str | Path | None = None
) -> grpc.ChannelCredentials:
    """What an intake machine uses: the server's CA, and its own site certificate under mTLS."""
    if (cert is None) != (key is None):
        raise InvalidInputError("a client certificate needs its key, and a key its certificate")
    return grpc.ssl_channel_credentials(
        root_certificates=_read(ca, "CA certificate"),
        private_key=None if key is None else _read(key, "client key"),
        certificate_chain=None if cert is None else _read(cert, "client certificate"),
    )


def peer_site(auth_context: Mapping[str, Iterable[bytes]]) -> str | None:
    """The site identity of an authenticated peer, or None without a client certificate."""
    names = list(auth_context.get("x509_common_name") or [])
    if names:
        return names[0].decode("utf-8", errors="replace")
    alternatives = list(auth_context.get("x509_subject_alternative_name") or [])
    if len(alternatives) == 1:
        return alternatives[0].decode("utf-8", errors="replace")
    return None
