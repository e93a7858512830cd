"""Fixtures every test folder shares: the database backends.

A test (or fixture) that asks for `backend`, `new_db`, `module_db` or `db` runs once per backend of
$CLAIMGRAPH_TEST_BACKENDS (default: sqlite,postgresql). PostgreSQL is a private cluster started once
per session, only when a test needs it (tests/pg.py); missing server binaries fail the session
naming the install script, never skip. `@pytest.mark.sqlite_only` keeps a test that is about SQLite
itself (files, pragmas, FTS5 tables) to SQLite.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The helpers beside this file (pg.py, backends.py); make them importable however pytest was started.
sys.path.insert(0, str(Path(__file__).parent))

from backends import Databases, chosen  # noqa: E402
from pg import Cluster, ClusterError  # noqa: E402
from pg_pool import Pool  # noqa: E402

NewDb = Callable[..., str]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite itself; not run on the other backends")
    config.addinivalue_line("markers", "postgresql: needs the test PostgreSQL cluster")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    names = chosen()
    if metafunc.definition.get_closest_marker("sqlite_only"):
        names = ["sqlite"]  # deselected below when SQLite is not chosen
    elif metafunc.definition.get_closest_marker("postgresql"):
        names = ["postgresql"]
    # module scope: a module's fixtures (a served app, a filled store) are built once per backend
    metafunc.parametrize("backend", names, indirect=True, scope="module")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the tests of a backend $CLAIMGRAPH_TEST_BACKENDS leaves out."""
    wanted = set(chosen())
    dropped = [item for item in items if _backend_of(item) not in (None, *wanted)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if _backend_of(item) in (None, *wanted)]


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get("backend")


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL."""
    try:
        cluster = Cluster()
    except ClusterError as exc:
        pytest.fail(f"cannot start the test PostgreSQL: {exc}", pytrace=False)
    try:
        cluster.start()
    except ClusterError as exc:
        cluster.stop()
        pytest.fail(f"cannot start the test PostgreSQL: {exc}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_pool(pg_cluster: Cluster) -> Pool:
    """Databases at the current schema, emptied and reused between tests (tests/pg_pool.py)."""
    return Pool(pg_cluster)


def _databases(request: pytest.FixtureRequest, backend: str, folder: Path) -> Databases:
    pool = request.getfixturevalue("pg_pool") if backend == "postgresql" else None
    return Databases(backend, folder, pool)


@pytest.fixture
def new_db(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[NewDb]:
    """new_db(name="graph", empty=False) -> a fresh database for this test: a SQLite path or a
    PostgreSQL URL, at the current schema (and empty of rows) unless empty (no tables at all)."""
    made = _databases(request, backend, tmp_path)
    yield made.new
    made.close()


@pytest.fixture(scope="module")
def module_db(request: pytest.FixtureRequest, backend: str,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewDb]:
    """new_db for a module's fixtures (a store filled once, a served app)."""
    made = _databases(request, backend, tmp_path_factory.mktemp(backend))
    yield made.new
    made.close()


@pytest.fixture
def db(new_db: NewDb) -> str:
    """One fresh database for this test (a path or a URL: what `open_store` and `--db` take)."""
    return new_db()
