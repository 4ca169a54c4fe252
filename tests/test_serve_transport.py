"""`serve` beyond loopback needs TLS or an explicit --insecure (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doichieu.cli import main
from doichieu.errors import InvalidInputError
from doichieu.verifier.transport import check_transport, is_loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "verifier.tinh.gov.vn", ""])
def test_plaintext_beyond_loopback_is_refused_in_both_languages(
    host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", "--population", str(tmp_path / "absent.csv"), "--host", host, "--port", "0"])
    assert code == 2
    error = capsys.readouterr().err
    vietnamese, english = error.index("Không khởi động"), error.index("Not starting")
    assert vietnamese < english
    assert "--insecure" in error[vietnamese:english] and "--insecure" in error[english:]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_needs_no_tls(host: str) -> None:
    assert is_loopback(host)
    check_transport(host, tls=False, insecure=False)


def test_tls_or_an_explicit_insecure_lets_it_start() -> None:
    check_transport("0.0.0.0", tls=True, insecure=False)
    check_transport("0.0.0.0", tls=False, insecure=True)
    with pytest.raises(InvalidInputError):
        check_transport("0.0.0.0", tls=False, insecure=False)
