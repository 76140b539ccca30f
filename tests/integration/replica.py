"""A second PostgreSQL 15 cluster on this machine, a streaming replica of the primary the tests run on.

Made with `pg_basebackup -R` into a temporary folder and run on another port by the `postgres` OS user
(PostgreSQL refuses to run as root), trusting local connections. The primary needs WAL for replicas
(`wal_level = replica`, PostgreSQL's default) and a pg_hba entry that lets the tests' role open a
replication connection from 127.0.0.1: when it has none, `prepare_primary` adds one to the primary's
pg_hba.conf and reloads it (CI runs on a fresh machine where only the services were started).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
HBA_LINE = "host replication all 127.0.0.1/32 trust"
# The standby's settings that must be at least the primary's (hot standby refuses to start otherwise).
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class ReplicaUnavailable(Exception):
    """This machine cannot run a replica of its primary; the message says why."""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamingReplica:
    def __init__(self, *, host: str, port: int, user: str):
        self.primary = {"host": host, "port": port, "user": user}
        self.port = _free_port()
        self.base = Path(tempfile.mkdtemp(prefix="nq57-replica-"))
        self.data = self.base / "data"
        self.running = False

    # Connections -------------------------------------------------------------------------------

    def primary_sql(self, sql: str, params=None):
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **self.primary) as conn:
            return conn.execute(sql, params).fetchall()

    def sql(self, sql: str, params=None):
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.primary["user"], dbname="postgres",
            autocommit=True, connect_timeout=5,
        ) as conn:  # fmt: skip
            return conn.execute(sql, params).fetchall()

    # Making it ----------------------------------------------------------------------------------

    def _as_server_user(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def _run(self, args: list[str], timeout=120, *, failure=RuntimeError):
        done = subprocess.run(self._as_server_user(args), capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            output = done.stderr.strip() or done.stdout.strip()
            raise failure(f"{' '.join(args[:3])}: {output}\n{self.log()}")
        return done

    def prepare_primary(self):
        if not (PG_BIN / "pg_basebackup").exists():
            raise ReplicaUnavailable(f"no PostgreSQL 15 binaries in {PG_BIN}")
        (wal_level,), (senders,) = (
            self.primary_sql("SHOW wal_level")[0],
            self.primary_sql("SHOW max_wal_senders")[0],
        )
        if wal_level == "minimal" or int(senders) < 2:
            raise ReplicaUnavailable(f"the primary has wal_level={wal_level}, max_wal_senders={senders}")
        rules = self.primary_sql(
            "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NULL AND 'replication' = ANY(database)"
        )[0][0]
        if rules:
            return
        hba_file = Path(self.primary_sql("SHOW hba_file")[0][0])
        try:
            text = hba_file.read_text()
            hba_file.write_text(text + ("" if text.endswith("\n") else "\n") + HBA_LINE + "\n")
        except OSError as error:
            raise ReplicaUnavailable(
                f"the primary's {hba_file} allows no replication and is not writable: {error}"
            )
        self.primary_sql("SELECT pg_reload_conf()")

    def create(self):
        self.prepare_primary()
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.base.chmod(0o700)
        p = self.primary
        self._run([
            str(PG_BIN / "pg_basebackup"), "-h", p["host"], "-p", str(p["port"]), "-U", p["user"],
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        ], timeout=300, failure=ReplicaUnavailable)  # fmt: skip
        at_least = {name: self.primary_sql(f"SHOW {name}")[0][0] for name in AT_LEAST_PRIMARY}
        conf = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.base}'",
            "hot_standby": "on",
            "shared_buffers": "'32MB'",
            "fsync": "off",
            "wal_receiver_status_interval": "'1s'",
            "hot_standby_feedback": "on",
            **at_least,
        }
        self._write("postgresql.conf", "".join(f"{k} = {v}\n" for k, v in conf.items()))
        self._write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self._write("pg_ident.conf", "")
        self.start()

    def _write(self, name: str, text: str):
        path = self.data / name
        path.write_text(text)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    # Running it ----------------------------------------------------------------------------------

    def start(self):
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"), "-w", "-t", "300",
                   "start"], timeout=330)  # fmt: skip
        self.running = True
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if self.sql("SELECT pg_is_in_recovery()")[0][0]:
                    return
            except psycopg.OperationalError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the replica did not accept connections:\n" + self.log())

    def stop(self):
        # Also a server whose start timed out: it may still be starting.
        if self.running or (self.data / "postmaster.pid").exists():
            self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
            self.running = False

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def log(self) -> str:
        path = self.base / "log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # Replay ---------------------------------------------------------------------------------------

    def catch_up(self, timeout: float = 60):
        """Wait until the replica has replayed everything the primary had written when called."""
        (lsn,) = self.primary_sql("SELECT pg_current_wal_lsn()::text")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            behind = self.sql("SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [lsn])[0][0]
            if behind is not None and behind <= 0:
                return
            time.sleep(0.1)
        raise AssertionError("the replica did not catch up:\n" + self.log())

    def pause_replay(self):
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        if self.running:
            self.sql("SELECT pg_wal_replay_resume()")
