"""Whether the server may listen without TLS.

On a loopback address nothing leaves the machine. Anywhere else the requests
carry names, dates of birth and citizen IDs across a network, so ``serve``
does not start without ``--tls-cert``/``--tls-key`` unless told ``--insecure``
(a network protected some other way: a VPN, a tunnel, a sidecar that ends TLS).
"""

from __future__ import annotations

import ipaddress

from doichieu.errors import CataloguedError


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1); a name or a
    wildcard (0.0.0.0, ::, empty) reaches further."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_transport(host: str, *, tls: bool, insecure: bool) -> None:
    """Raises ``CataloguedError`` for plaintext beyond loopback without ``insecure``."""
    if tls or insecure or is_loopback(host):
        return
    raise CataloguedError("serve.plaintext_refused", host=host or "*")
