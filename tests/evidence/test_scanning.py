import io
import os
import socket
import threading
import zipfile

import pytest

from evidence.scanning import ClamdScanner, ScannerUnavailable, parse_reply, scanner_from_settings
from evidence.validation import Code, UploadRejected, check_upload
from tests.evidence.conftest import REPORTED_SIGNATURE
from tests.evidence.corpus import EICAR, MB, docx_bytes, pdf_bytes


def _zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------- a real clamd


def test_clamd_answers_on_the_unix_socket_and_tcp(clamd):
    assert clamd.scanner.ping()
    assert clamd.tcp_scanner.ping()
    assert clamd.scanner.version().startswith("ClamAV ")


@pytest.mark.parametrize("transport", ["scanner", "tcp_scanner"])
def test_plain_eicar_is_found(clamd, transport):
    result = getattr(clamd, transport).scan(EICAR)
    assert (result.clean, result.signature) == (False, REPORTED_SIGNATURE)


def test_zipped_eicar_is_found(clamd):
    zipped = _zipped("eicar.com", EICAR)
    assert EICAR not in zipped  # deflated: only unpacking finds it
    result = clamd.scanner.scan(zipped)
    assert (result.clean, result.signature) == (False, REPORTED_SIGNATURE)


def test_eicar_zipped_twice_is_found(clamd):
    result = clamd.scanner.scan(_zipped("inner.zip", _zipped("eicar.com", EICAR)))
    assert not result.clean


def test_clean_files_are_clean(clamd):
    for data in (pdf_bytes(), docx_bytes(), b"hello"):
        result = clamd.scanner.scan(data)
        assert (result.clean, result.signature, result.raw) == (True, "", "stream: OK")


def test_a_file_is_streamed_in_chunks_from_where_it_is(clamd, tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(3 * MB) + EICAR)
    with open(path, "rb") as f:
        assert clamd.scanner.scan(f).signature == REPORTED_SIGNATURE
    with open(path, "rb") as f:
        f.seek(3 * MB + 1)  # past the start of the string: what is sent is what is left
        assert clamd.scanner.scan(f).clean


def test_a_stream_past_clamds_limit_gives_no_verdict(clamd):
    # The fixture's clamd takes 26 MB per stream; no verdict must never read as "clean".
    with pytest.raises(ScannerUnavailable, match="size limit exceeded"):
        clamd.scanner.scan(bytes(27 * MB))


def test_check_upload_scans_when_a_scanner_is_configured(with_scanner):
    data = pdf_bytes()
    assert check_upload(name="a.pdf", data_or_file=data, size=len(data)).scanned is True


def test_check_upload_over_tcp(no_scanner, clamd):
    no_scanner.EVIDENCE_CLAMD_HOST = "127.0.0.1"
    no_scanner.EVIDENCE_CLAMD_PORT = clamd.port
    data = pdf_bytes(extra_comment=EICAR)
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="virus.pdf", data_or_file=data, size=len(data))
    assert caught.value.code == Code.INFECTED


# ---------------------------------------------------------------- configured but not there: refuse


def test_no_scanner_configured_means_no_scan(no_scanner):
    assert scanner_from_settings() is None
    data = pdf_bytes()
    assert check_upload(name="a.pdf", data_or_file=data, size=len(data)).scanned is False


def test_missing_socket_refuses_the_upload(no_scanner, tmp_path):
    no_scanner.EVIDENCE_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    data = pdf_bytes()
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="Báo cáo.pdf", data_or_file=data, size=len(data))
    assert caught.value.code == Code.SCANNER_UNAVAILABLE
    assert caught.value.message.startswith(
        "Tệp “Báo cáo.pdf” chưa được nhận: máy quét virus đang không hoạt động"
    )
    assert "no-clamd.sock" in caught.value.detail


def test_closed_tcp_port_refuses_the_upload(no_scanner):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    no_scanner.EVIDENCE_CLAMD_HOST = "127.0.0.1"
    no_scanner.EVIDENCE_CLAMD_PORT = port
    data = pdf_bytes()
    with pytest.raises(UploadRejected) as caught:
        check_upload(name="a.pdf", data_or_file=data, size=len(data))
    assert caught.value.code == Code.SCANNER_UNAVAILABLE


def test_a_scanner_that_never_answers_refuses_the_upload(no_scanner):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []

    def swallow():
        conn, _ = server.accept()
        accepted.append(conn)
        while conn.recv(65536):
            pass

    thread = threading.Thread(target=swallow, daemon=True)
    thread.start()
    no_scanner.EVIDENCE_CLAMD_HOST = "127.0.0.1"
    no_scanner.EVIDENCE_CLAMD_PORT = server.getsockname()[1]
    no_scanner.EVIDENCE_CLAMD_TIMEOUT = 0.5
    data = pdf_bytes()
    try:
        with pytest.raises(UploadRejected) as caught:
            check_upload(name="a.pdf", data_or_file=data, size=len(data))
        assert caught.value.code == Code.SCANNER_UNAVAILABLE
    finally:
        for conn in accepted:
            conn.close()
        server.close()


def test_a_scanner_that_hangs_up_refuses_the_upload(no_scanner):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def hang_up():
        conn, _ = server.accept()
        conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    scanner = ClamdScanner(host="127.0.0.1", port=server.getsockname()[1], timeout=2)
    try:
        with pytest.raises(ScannerUnavailable):
            scanner.scan(pdf_bytes())
    finally:
        server.close()


@pytest.mark.parametrize(
    ("reply", "clean", "signature"),
    [
        ("stream: OK", True, ""),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", False, "Win.Test.EICAR_HDB-1"),
        ("stream: Heuristics.Encrypted.Zip FOUND", False, "Heuristics.Encrypted.Zip"),
    ],
)
def test_replies_are_read(reply, clean, signature):
    result = parse_reply(reply)
    assert (result.clean, result.signature) == (clean, signature)


@pytest.mark.parametrize(
    "reply", ["INSTREAM size limit exceeded. ERROR", "stream: lstat() failed. ERROR", ""]
)
def test_anything_but_a_verdict_is_unavailable(reply):
    with pytest.raises(ScannerUnavailable):
        parse_reply(reply)
