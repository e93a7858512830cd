"""A SparkSession for claimgraph, after checking that the extra and Java are there.

On a `local[N]` master everything stays on loopback: the driver binds 127.0.0.1 and
SPARK_LOCAL_IP is set, so a laptop on a strange network (or a CI runner without a resolvable host
name) starts Spark the same way. The web UI is off: nobody looks at it during an ingest.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from claimgraph.errors import ClaimgraphError, Code

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MIN_JAVA = 17  # Spark 4 runs on Java 17 and 21
JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')
UNITS_PER_BATCH = 64  # units per Arrow batch into mapInPandas: what one nlp.pipe round parses
BYTES_PER_BATCH = 64 << 20  # and at most this much: a WARC file is one row when it is cut up
EXTRA_HINT = "pip install 'claimgraph[spark]'"
PARTITIONS_PER_CORE = 4


def require_spark() -> None:
    """Raise SPARK_MISSING unless PySpark, pandas and pyarrow import."""
    missing = []
    for module in ("pyspark", "pandas", "pyarrow"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        needed = ", ".join(missing)
        raise ClaimgraphError(Code.SPARK_MISSING, f"the Spark engine needs {needed}: {EXTRA_HINT}")


def java_command() -> str:
    """$JAVA_HOME/bin/java, else java on PATH; JAVA_MISSING when there is neither."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    found = shutil.which("java")
    if found is None:
        raise ClaimgraphError(Code.JAVA_MISSING, f"Spark needs Java {MIN_JAVA} or newer and none was found "
                              "(no $JAVA_HOME, no java on PATH); install a Java 17 runtime")
    return found


def require_java() -> None:
    """Raise JAVA_MISSING unless a Java runtime of MIN_JAVA or newer is there."""
    java = java_command()
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ClaimgraphError(Code.JAVA_MISSING, f"cannot run {java}: {error}") from error
    version = java_major(done.stderr + done.stdout)
    if version is None or version < MIN_JAVA:
        found = f"Java {version}" if version else "an unknown Java"
        raise ClaimgraphError(Code.JAVA_MISSING, f"Spark needs Java {MIN_JAVA} or newer; {java} is {found}")


def java_major(banner: str) -> int | None:
    """17 from 'openjdk version "17.0.15"', 8 from 'java version "1.8.0_392"'."""
    found = JAVA_VERSION.search(banner)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def start_session(master: str, *, progress: bool = False, app: str = "claimgraph ingest") -> SparkSession:
    """A SparkSession on `master`, set up for claimgraph's jobs."""
    require_spark()
    require_java()
    from pyspark.sql import SparkSession

    # the Python workers must run this interpreter (the one with claimgraph and spaCy installed);
    # PySpark reads it from the environment, not from the session's settings
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app)
    if is_local(master):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder.config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1"))
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": str(progress).lower(),
        "spark.python.worker.reuse": "true",  # the spaCy pipeline is loaded once per worker: worker.py
        "spark.sql.execution.arrow.maxRecordsPerBatch": str(UNITS_PER_BATCH),
        "spark.sql.execution.arrow.maxBytesPerBatch": str(BYTES_PER_BATCH),
        # partitions are sized by documents, not bytes: Spark must not merge the small ones
        "spark.sql.adaptive.coalescePartitions.enabled": "false",
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:
        raise ClaimgraphError(Code.SPARK_FAILED, f"Spark did not start on {master}: {error}") from error
    session.sparkContext.setLogLevel("ERROR")
    # Spark's 200 shuffle partitions are meant for big clusters; small tasks per core balance better
    session.conf.set("spark.sql.shuffle.partitions", str(partitions(session)))
    return session


def partitions(session: SparkSession) -> int:
    """How many partitions to cut work into: a few per core, so that long documents even out."""
    return max(1, session.sparkContext.defaultParallelism * PARTITIONS_PER_CORE)
