"""A real clamd for the scanner tests, with a local signature for the EICAR test string
(ClamAV ships no signatures offline; freshclam is never run)."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from evidence.scanning import ClamdScanner
from tests.evidence.corpus import EICAR

SIGNATURE_NAME = "NQ57.Test.EICAR"
# clamd names signatures from a local (unsigned) database "<name>.UNOFFICIAL".
REPORTED_SIGNATURE = f"{SIGNATURE_NAME}.UNOFFICIAL"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if Path(p).exists()), None
    )


@pytest.fixture(scope="session")
def clamd():
    """A running clamd: `.socket_path`, `.port`, `.scanner` (unix) and `.tcp_scanner`."""
    binary = _clamd_binary()
    if binary is None:
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon)")
    # A short path: unix socket paths are limited to ~108 bytes.
    workdir = Path(tempfile.mkdtemp(prefix="nq57clamd-"))
    database = workdir / "db"
    database.mkdir()
    # A body signature (.ndb, any file type, any offset): finds the string inside PDFs and,
    # since clamd unpacks archives, inside zipped files too.
    (database / "nq57.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    port = _free_port()
    config = workdir / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {workdir / 'clamd.sock'}",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"PidFile {workdir / 'clamd.pid'}",
                f"LogFile {workdir / 'clamd.log'}",
                "Foreground yes",
                "ScanArchive yes",
                "StreamMaxLength 26M",
                "",
            ]
        )
    )
    log = open(workdir / "clamd.out", "wb")  # noqa: SIM115
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    scanner = ClamdScanner(socket_path=str(workdir / "clamd.sock"), timeout=10)
    deadline = time.monotonic() + 60
    while not scanner.ping():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            log.close()
            output = (workdir / "clamd.out").read_text(errors="replace")[-800:]
            shutil.rmtree(workdir, ignore_errors=True)
            pytest.skip(f"clamd could not be started: {output}")
        time.sleep(0.1)

    class Running:
        pass

    running = Running()
    running.socket_path = str(workdir / "clamd.sock")
    running.port = port
    running.scanner = scanner
    running.tcp_scanner = ClamdScanner(host="127.0.0.1", port=port, timeout=10)
    yield running
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def no_scanner(settings):
    """Tests decide whether a scanner is configured, whatever the environment says."""
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    return settings


@pytest.fixture
def with_scanner(no_scanner, clamd):
    no_scanner.EVIDENCE_CLAMD_SOCKET = clamd.socket_path
    return no_scanner


@pytest.fixture
def world(no_scanner):
    """The evidence tests' plan, units, people and a lead assignment (tests.evidence.world)."""
    from tests.evidence.world import make_world

    return make_world()
