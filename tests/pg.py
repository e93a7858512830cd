"""A private PostgreSQL cluster for the tests: Debian's server binaries, a data folder in a temporary
directory, listening on 127.0.0.1 on a free port, stopped (and deleted) at the end of the session.

`initdb` refuses to run as root, so when the tests run as root the server runs as the `postgres` user
(which Debian's package creates), in a folder that user owns. Trust authentication: the cluster only
exists for the test session and only listens on loopback.

Test databases come from `create_database` (a copy of a template) and tests/pg_pool.py (which empties
and reuses them).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

INSTALL_HINT = "run `bash scripts/install-system-packages.sh --test` (installs Debian's postgresql)"
SERVER_USER = "postgres"
# Test speed only: this cluster never holds data worth a crash-safe write.
SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300",
                   "autovacuum=off")


class ClusterError(RuntimeError):
    """The test cluster could not be set up; the message says what to do."""


def find_bin_dir() -> Path:
    """The folder of initdb/pg_ctl: on PATH (Debian does not put them there), else the newest
    /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    candidates = [Path(os.path.realpath(on_path)).parent] if on_path else []
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0))
    candidates += [Path(p) for p in reversed(versions)]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise ClusterError(f"PostgreSQL's initdb and pg_ctl are not installed: {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user() -> list[str]:
    """The command prefix that runs the server binaries as a user initdb accepts."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterError("the tests run as root and `runuser` is missing: run them as another user")
    return [runuser, "-u", SERVER_USER, "--"]


class Cluster:
    """One PostgreSQL server for a test session."""

    def __init__(self) -> None:
        self.bin = find_bin_dir()
        self.prefix = _as_server_user()
        self.root = Path(tempfile.mkdtemp(prefix="claimgraph-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self.running = False
        self.user = SERVER_USER if self.prefix else os.environ.get("USER", "postgres")
        self._names = itertools.count(1)
        if self.prefix:
            shutil.chown(self.root, user=SERVER_USER)
        self._admin: Engine | None = None

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise ClusterError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()}")

    def start(self) -> None:
        # C.UTF-8: byte order for ORDER BY (as SQLite's BINARY collation), Unicode lower()/upper().
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user,
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = " ".join([f"-c listen_addresses=127.0.0.1 -k {self.root}",
                            *(f"-c {setting}" for setting in SERVER_SETTINGS)])
        for _attempt in range(3):  # another process may take the free port before the server does
            self.port = free_port()
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                          "-w", "-t", "60", "-o", f"{options} -p {self.port}", "start")
                self.running = True
                return
            except ClusterError:
                continue
        log = self.root / "server.log"
        said = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        raise ClusterError("the test PostgreSQL did not start: " + (" / ".join(said) or "no server log"))

    def stop(self) -> None:
        """Stop the server (if it runs) and delete its folder, whatever state a failed start left."""
        if self._admin is not None:
            self._admin.dispose()
        try:
            if self.running:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
                self.running = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        return self._admin

    def create_database(self, template: str = "template1", name: str | None = None) -> str:
        """A new database copied from `template`: its name."""
        name = name or f"test_{next(self._names)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: a test that did not close its store still holds connections to it.
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
