"""The Spark engine: the corpus-wide passes of `wordvec.corpus` and `wordvec.train.cooccur`
run on Apache Spark, with the same results as the local engine, and SGNS trained
data-parallel on Spark's executors (`wordvec.spark.sgns.SparkSGNS`).

One machine stays the default; `--engine spark` (CLI) or these functions choose Spark.
`master` is any Spark master URL: "local[2]" (the default: this machine, 2 cores),
"spark://host:7077", "yarn". A corpus is then any path or glob Spark reads (a file, a folder
of files, `.gz`/`.bz2` included, `hdfs://` or `s3a://` URIs on a cluster). Files are read in
the order of their paths, as the local engine reads a folder in name order; Spark skips
files whose names start with "_" or ".". Text is split into words at Unicode whitespace
exactly as `str.split()` does (`tokenize="whitespace"`; the other tokenisers are the local
engine's only).

Needs `pip install 'wordvec[spark]'` and Java 17+ (`apt-get install
openjdk-17-jre-headless`); without them, `SparkUnavailableError` says how to install them.

Modules: `corpus` (vocabulary and encoding), `cooccur` (co-occurrence counts), `sgns`.

Examples
--------
>>> from wordvec.spark.cooccur import count_cooccurrences                # doctest: +SKIP
>>> X = count_cooccurrences("corpus/", "counts", window=10, master="local[2]")  # doctest: +SKIP
"""

import contextlib
import os
import shutil
import sys
import warnings
from pathlib import Path

from ..errors import WordvecError

DEFAULT_MASTER = "local[2]"
INSTALL = ("pip install 'wordvec[spark]' (pyspark), and Java 17+: "
           "apt-get install openjdk-17-jre-headless")
_LOG4J = Path(__file__).with_name("log4j2.properties")


class SparkUnavailableError(WordvecError):
    """pyspark or Java is missing; the message says how to install them."""


class SparkJobError(WordvecError):
    """A Spark job failed; the message names the stage and the input."""


def session(master=DEFAULT_MASTER, progress=False):
    """The active SparkSession, or a new one on `master` (Spark's console progress bar on
    stderr when `progress` and stderr is a terminal). `SparkUnavailableError` when pyspark
    or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailableError(f"the Spark engine needs pyspark: {INSTALL}") from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkUnavailableError(f"the Spark engine needs Java (no java on PATH, no "
                                    f"JAVA_HOME): {INSTALL}")
    # Settings of the driver's JVM, read when pyspark starts it (a user's own win): the
    # Python the executors run, log4j2.properties from this folder (errors come back as
    # wordvec's one-line messages), and in local mode the memory of the JVM, which is also
    # the executors', and the loopback address.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_CONF_DIR", str(_LOG4J.parent))
    local = master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "--driver-memory 2g pyspark-shell")
    builder = (SparkSession.builder.master(master).appName("wordvec")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress",
                       str(bool(progress) and sys.stderr.isatty()).lower()))
    if local:   # a few large tasks suit one machine better than Spark's 200 small ones
        builder = builder.config("spark.sql.shuffle.partitions", "16")
    # pyspark 4.3 warns about pandas 3 on its first DataFrame; wordvec hands it no pandas
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                            FutureWarning)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:   # the JVM did not start: Java too old or broken
        raise SparkUnavailableError(f"Spark did not start ({_first_line(exc)}): "
                                    f"{INSTALL}") from None
    spark.sparkContext.setLogLevel("OFF")
    return spark


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


@contextlib.contextmanager
def stage(name, source):
    """Turn a failing Spark job into `SparkJobError` naming the stage and the input."""
    try:
        yield
    except WordvecError:
        raise
    except Exception as exc:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        if not isinstance(exc, (Py4JError, PySparkException)):
            raise
        raise SparkJobError(f"Spark stage '{name}' failed on {source}"
                            f"{_java_cause(exc)}") from None


def _java_cause(exc):
    """": ROOT CAUSE" of a failed job (" (file F)" before it when a file could not be read),
    from the chain of Java exceptions behind `exc`, else the first line of its message."""
    import re

    java = getattr(exc, "java_exception", None)
    if java is None:
        return f": {_first_line(exc)}"
    chain = [java]
    while chain[-1].getCause() is not None and len(chain) < 20:
        chain.append(chain[-1].getCause())
    messages = " ".join(str(e.getMessage()) for e in chain)
    file = re.search(r"reading file (\S+?)\.?(?:\s|$)", messages)
    where = f" (file {file.group(1)})" if file else ""
    return f"{where}: {_first_line(chain[-1].toString())}"
