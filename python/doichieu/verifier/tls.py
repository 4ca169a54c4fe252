"""TLS and mutual TLS for the verifier.

With a client CA configured the server requires every client to present a
certificate signed by it, and the intake site is the certificate's identity:
its subject common name (CN), or, for a certificate without a CN, its subject
alternative name. The identity must be one site ID (``SITE_ID``): a certificate
naming two, none, or text of another form (a line break, markup) is refused
before anything is recorded under it. A site cannot submit as another one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import grpc

from doichieu.errors import CataloguedError, DoichieuError

#: A site ID: an ASCII letter or digit, then up to 63 more letters, digits, '.', '_' or '-'.
SITE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SITE_ID_FORM = "an ASCII letter or digit, then up to 63 letters, digits, '.', '_' or '-'"


class SiteIdentityError(DoichieuError):
    """A client certificate signed by the sites' CA that names no single valid
    site ID; answered PERMISSION_DENIED. The message never repeats the
    certificate's text (it may hold markup or line breaks)."""


def _read(path: str | Path, what: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CataloguedError("file.pem_unreadable", flag=what, path=path, reason=exc.strerror) from exc
    if b"-----BEGIN" not in data:
        raise CataloguedError("file.not_pem", flag=what, path=path)
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
        raise CataloguedError("value.client_key_pair")
    return grpc.ssl_channel_credentials(
        root_certificates=_read(ca, "CA certificate"),
        private_key=None if key is None else _read(key, "client key"),
        certificate_chain=None if cert is None else _read(cert, "client certificate"),
    )


def peer_site(auth_context: Mapping[str, Iterable[bytes]]) -> str | None:
    """The site identity of an authenticated peer, or None without a client
    certificate: its subject CN, else its subject alternative name. Raises
    SiteIdentityError when the certificate names no site, two different ones, or
    one not of the form ``SITE_ID``."""
    if not auth_context.get("x509_pem_cert"):
        return None
    # gRPC reports a certificate without a CN as one empty CN.
    names = {name for name in auth_context.get("x509_common_name") or () if name}
    where = "subject CN"
    if not names:
        names = {name for name in auth_context.get("x509_subject_alternative_name") or () if name}
        where = "subject alternative name"
    if not names:
        raise SiteIdentityError("the client certificate names no site: it has no subject CN or alternative name")
    if len(names) > 1:
        raise SiteIdentityError(
            f"the client certificate names two identities (more than one {where}); a site certificate names one site"
        )
    site = next(iter(names)).decode("utf-8", errors="replace")
    if SITE_ID.fullmatch(site) is None:
        raise SiteIdentityError(f"the client certificate's {where} is not a site ID ({SITE_ID_FORM})")
    return site
