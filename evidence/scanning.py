"""A small clamd client speaking clamd's own protocol (INSTREAM), over a unix socket or TCP.

No scanner configured → nothing is scanned (`scanner_from_settings` returns None).
A scanner configured but not answering → `ScannerUnavailable`: the caller must refuse the upload,
never keep a file that was not scanned when scanning was asked for.
"""

import io
import socket
import struct
from dataclasses import dataclass

from django.conf import settings as django_settings

CHUNK = 64 * 1024
DEFAULT_PORT = 3310
DEFAULT_TIMEOUT = 30.0


class ScannerUnavailable(Exception):
    """The scanner could not be reached or did not give a verdict."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the virus name clamd reported, when not clean
    raw: str = ""


@dataclass(frozen=True)
class ClamdScanner:
    socket_path: str = ""
    host: str = ""
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT

    @property
    def address(self) -> str:
        return self.socket_path or f"{self.host}:{self.port}"

    def _connect(self) -> socket.socket:
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.socket_path)
            else:
                sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
                sock.settimeout(self.timeout)
        except OSError as exc:
            raise ScannerUnavailable(f"cannot connect to clamd at {self.address}: {exc}") from exc
        return sock

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        # With the "z" prefix clamd ends its one reply with NUL.
        buf = bytearray()
        while b"\0" not in buf:
            part = sock.recv(4096)
            if not part:
                break
            buf += part
        return bytes(buf).split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def _command(self, command: bytes) -> str:
        sock = self._connect()
        try:
            sock.sendall(b"z" + command + b"\0")
            return self._read_reply(sock)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.address} failed: {exc}") from exc
        finally:
            sock.close()

    def ping(self) -> bool:
        try:
            return self._command(b"PING") == "PONG"
        except ScannerUnavailable:
            return False

    def version(self) -> str:
        return self._command(b"VERSION")

    def scan(self, data_or_file) -> ScanResult:
        """Stream the content to clamd. Accepts bytes or a readable binary file (read from where it is)."""
        stream = (
            io.BytesIO(bytes(data_or_file))
            if isinstance(data_or_file, bytes | bytearray | memoryview)
            else data_or_file
        )
        sock = self._connect()
        try:
            try:
                sock.sendall(b"zINSTREAM\0")
                while chunk := stream.read(CHUNK):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd hangs up once a stream passes its StreamMaxLength; its reply says so.
                pass
            reply = self._read_reply(sock)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.address} failed: {exc}") from exc
        finally:
            sock.close()
        return parse_reply(reply, address=self.address)


def parse_reply(reply: str, *, address: str = "clamd") -> ScanResult:
    # "stream: OK" | "stream: Eicar-Signature FOUND" | "INSTREAM size limit exceeded. ERROR" | "… ERROR"
    body = reply.split(": ", 1)[1] if reply.startswith("stream: ") else reply
    if body == "OK":
        return ScanResult(clean=True, raw=reply)
    if body.endswith(" FOUND"):
        return ScanResult(clean=False, signature=body[: -len(" FOUND")].strip(), raw=reply)
    raise ScannerUnavailable(f"clamd at {address} gave no verdict: {reply or '(no reply)'}")


def scanner_from_settings(settings=None) -> ClamdScanner | None:
    settings = settings or django_settings
    socket_path = getattr(settings, "EVIDENCE_CLAMD_SOCKET", "") or ""
    host = getattr(settings, "EVIDENCE_CLAMD_HOST", "") or ""
    if not socket_path and not host:
        return None
    return ClamdScanner(
        socket_path=str(socket_path),
        host=host,
        port=int(getattr(settings, "EVIDENCE_CLAMD_PORT", DEFAULT_PORT) or DEFAULT_PORT),
        timeout=float(getattr(settings, "EVIDENCE_CLAMD_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT),
    )
