"""`serve` beyond loopback needs TLS or an explicit --insecure (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doichieu.cli import main
from doichieu.errors import InvalidInputError
from doichieu.verifier.transport import check_transport, is_loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "verifier.tinh.gov.vn", ""])
def test_plaintext_beyond_loopback_is_refused_in_either_language(
    host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["serve", "--population", str(tmp_path / "absent.csv"), "--host", host, "--port", "0"]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "Không khởi động" in error and "--insecure" in error and len(error.splitlines()) == 1
    assert main(["--lang", "en", *args]) == 2
    error = capsys.readouterr().err
    assert "Not starting" in error and "--insecure" in error and len(error.splitlines()) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_needs_no_tls(host: str) -> None:
    assert is_loopback(host)
    check_transport(host, tls=False, insecure=False)


def test_tls_or_an_explicit_insecure_lets_it_start() -> None:
    check_transport("0.0.0.0", tls=True, insecure=False)
    check_transport("0.0.0.0", tls=False, insecure=True)
    with pytest.raises(InvalidInputError):
        check_transport("0.0.0.0", tls=False, insecure=False)
