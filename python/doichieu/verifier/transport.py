"""Whether the server may listen without TLS.

On a loopback address nothing leaves the machine. Anywhere else the requests
carry names, dates of birth and citizen IDs across a network, so ``serve``
does not start without ``--tls-cert``/``--tls-key`` unless told ``--insecure``
(a network protected some other way: a VPN, a tunnel, a sidecar that ends TLS).
"""

from __future__ import annotations

import ipaddress

from doichieu.errors import InvalidInputError

#: The refusal, Vietnamese first, English beside it (for the message catalogue).
PLAINTEXT_REFUSED = {
    "vi": (
        "Không khởi động: {host} không phải địa chỉ loopback, họ tên, ngày sinh và số định danh sẽ đi qua mạng "
        "không mã hoá. Dùng --tls-cert và --tls-key (và --client-ca cho TLS hai chiều), hoặc ghi rõ --insecure "
        "nếu mạng đã được bảo vệ cách khác."
    ),
    "en": (
        "Not starting: {host} is not a loopback address, and names, dates of birth and citizen IDs would cross the "
        "network unencrypted. Use --tls-cert and --tls-key (and --client-ca for mutual TLS), or say --insecure "
        "explicitly if the network is protected some other way."
    ),
}


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
    """Raises InvalidInputError (both languages) for plaintext beyond loopback without ``insecure``."""
    if tls or insecure or is_loopback(host):
        return
    raise InvalidInputError(
        PLAINTEXT_REFUSED["vi"].format(host=host or "*") + "\n" + PLAINTEXT_REFUSED["en"].format(host=host or "*")
    )
