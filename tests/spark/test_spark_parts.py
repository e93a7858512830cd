"""The Spark engine's parts that need no Spark: rows, units, the input locator, the sink, the loader,
and the checks that stop a run before Spark starts. Fast; the real runs are in test_spark_ingest.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from spark_corpus import write_corpus
from warc_builders import news_warc

from claimgraph.cli import cli
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ingest import Article, Failure, iter_articles
from claimgraph.ingest.options import Options
from claimgraph.model import Claim, Entity, Extraction, Mention
from claimgraph.spark import session
from claimgraph.spark.command import SparkIngest, check, refuse_shared_sqlite, store_url
from claimgraph.spark.job import name_glob
from claimgraph.spark.listing import Input, Locator
from claimgraph.spark.load import load_parquet
from claimgraph.spark.records import (
    DOCUMENT,
    DUPLICATE,
    FAILED,
    Result,
    Unit,
    article_from_json,
    ddl,
    dumps,
    extraction_from_json,
)
from claimgraph.spark.sink import Sink, add_rows, report_rows
from claimgraph.spark.units import explode, kind_of, outcomes
from claimgraph.store import open_store


def test_article_and_extraction_survive_json() -> None:
    article = Article("Iran armed the militia.", "a.txt", "a", title="T", published="2024-05-01",
                      language="en")
    claim = Claim("iran", "arms", "m", "affirmed", "asserted", None, "Iran armed", 0, 10, "armed")
    extraction = Extraction("a", [Entity("iran", "Iran", "state", ["Iran"], country="IR")], [claim],
                            [Mention(0, 4, "Iran", "iran", "alias", 0.875, "Iran")])
    assert article_from_json(dumps(article)) == article
    assert extraction_from_json(dumps(extraction)) == extraction


def test_spark_schemas_follow_the_dataclasses() -> None:
    assert ddl(Unit) == ("input_no long, path_key string, position long, kind string, source string, "
                         "payload binary, meta string")
    assert ddl(Result).startswith("input_no long, path_key string, position long, kind string, source string")


def test_files_spark_lists_are_traced_to_their_input() -> None:
    crawl = "hdfs://nn:8020/crawl"
    locator = Locator([Input(0, "file:/data/news", "news", True),
                       Input(1, "file:/data/one.txt", "one.txt", False), Input(2, crawl, crawl, True)])
    assert locator.source("file:/data/news/a/b.txt") == (0, "news/a/b.txt", "a\0b.txt")
    assert locator.source("file:/data/one.txt") == (1, "one.txt", "")
    assert locator.source(f"{crawl}/x.warc.gz") == (2, f"{crawl}/x.warc.gz", "x.warc.gz")
    # "\0" joins the parts: a folder's files sort before a sibling whose name goes on ("a/b" < "a-c")
    assert locator.source("file:/data/news/a/b.txt")[2] < locator.source("file:/data/news/a-c.txt")[2]


def test_the_name_filter_takes_every_kind_in_any_case() -> None:
    glob = name_glob()
    for suffix in ("[tT][xX][tT]", "[jJ][sS][oO][nN][lL]", "[wW][aA][rR][cC]", "[gG][zZ]", "[hH][tT][mM]"):
        assert suffix in glob
    assert kind_of("s3a://bucket/CC-NEWS-1.warc.gz") == "warc" and kind_of("x.gz") is None


def file_unit(path: Path) -> Unit:
    return Unit(0, "", 0, kind_of(str(path)) or "", str(path), path.read_bytes())


def items(units: list[Unit]) -> list[Article | Failure]:
    return [item for unit in units for item in outcomes(unit, Options())]


def same(found: list[Article | Failure], expected: list[Article | Failure]) -> bool:
    def key(item: Article | Failure) -> tuple[str, str]:
        return (item.source, item.hash if isinstance(item, Article) else item.error.code.value)
    return [key(item) for item in found] == [key(item) for item in expected]


@pytest.mark.parametrize("name", ["01-quds-wire.txt", "02-cartel.html", "03-nota.txt", "briefs.jsonl",
                                  "crawl/cc-news.warc.gz"])
def test_units_yield_what_a_normal_ingest_reads(tmp_path: Path, name: str) -> None:
    news = write_corpus(tmp_path)
    path = news / name
    units = list(explode(file_unit(path), max_bytes=10_000_000))
    assert same(items(units), list(iter_articles([str(path)])))
    found = [item for item in items(units) if isinstance(item, Article)]
    expected = [item for item in iter_articles([str(path)]) if isinstance(item, Article)]
    assert found == expected  # every field: doc id, title, url, dates, language


def test_limits_apply_per_file_per_line_and_per_record(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 100)
    (tmp_path / "lines.jsonl").write_text(json.dumps({"text": "short text"}) + "\n" +
                                          json.dumps({"text": "long " * 100}) + "\n")
    news_warc().write(tmp_path / "c.warc.gz")
    for name in ("big.txt", "lines.jsonl", "c.warc.gz"):
        path = tmp_path / name
        units = list(explode(file_unit(path), max_bytes=300))
        assert same(items(units), list(iter_articles([str(path)], max_bytes=300)))


def test_jsonl_that_is_binary_or_empty_fails_whole(tmp_path: Path) -> None:
    cases = (("bin.jsonl", b"\x00\x01" * 50, Code.BINARY), ("blank.jsonl", b"\n\n", Code.EMPTY))
    for name, content, code in cases:
        (tmp_path / name).write_bytes(content)
        found = items(list(explode(file_unit(tmp_path / name), max_bytes=1000)))
        assert len(found) == 1 and isinstance(found[0], Failure) and found[0].error.code == code


def row(kind: str, source: str, article: Article | None = None, status: str = "ok", **values: str) -> Result:
    return Result(0, "", 0, kind, source, doc=article.doc_id if article else None, status=status,
                  article=dumps(article) if article else None, **values)


def test_the_sink_counts_as_an_ingest_does(tmp_path: Path) -> None:
    english = Article("The militia was armed by the state, officials said.", "a.txt", "a", language="en")
    spanish = Article("El gobierno lo negó.", "b.txt", "b", language="es")
    with open_store(str(tmp_path / "s.db")) as store:
        sink = Sink(store, batch_size=2)
        for item in (row(DOCUMENT, "a.txt", english), row(DOCUMENT, "a2.txt", english),
                     row(DOCUMENT, "b.txt", spanish, status="skipped: language es not supported yet"),
                     row(DUPLICATE, "c.txt"),
                     row(FAILED, "d.txt", code="E109", reason="E109 line 1 is not JSON"),
                     Result(0, "", 0, DOCUMENT, "e.txt", article="{not json")):
            sink.add(item)
        sink.flush()
        report = sink.report
        assert (report.new, report.duplicate) == (1, 2)
        skipped = [(item.source, item.reason) for item in report.skipped]
        assert skipped == [("b.txt", "language es not supported yet")]
        assert [(item.source, item.code) for item in report.failed] == [("d.txt", "E109"), ("e.txt", "E124")]
        assert store.counts()["documents"] == 2
    summed = add_rows(type(report)(), report_rows(report) + report_rows(report))
    assert (summed.new, summed.duplicate, len(summed.skipped), len(summed.failed)) == (2, 4, 2, 4)


def test_load_refuses_what_is_no_export(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["load", str(tmp_path / "nothing"), "--db", str(tmp_path / "x.db")])
    assert missing.exit_code == 2 and "E124" in missing.output
    pq.write_table(pa.table({"text": ["hello"]}), tmp_path / "other.parquet")
    other = runner.invoke(cli, ["load", str(tmp_path / "other.parquet"), "--db", str(tmp_path / "x.db")])
    assert other.exit_code == 2 and "E124" in other.output and "not a claimgraph export" in other.output
    newer = {name: [value] for name, value in vars(row(FAILED, "x", code="E1", reason="r")).items()}
    newer["export_format"] = [99]
    pq.write_table(pa.table(newer), tmp_path / "newer.parquet")
    with open_store(str(tmp_path / "x.db")) as store, pytest.raises(ClaimgraphError, match="E124.*format 99"):
        load_parquet(str(tmp_path / "newer.parquet"), store)


def test_options_spark_does_not_take(tmp_path: Path) -> None:
    for options, text in ((SparkIngest(("https://news.example/a",)), "not web pages"),
                          (SparkIngest(("x",), workers=2), "--master local\\[N\\]"),
                          (SparkIngest(("x",), output="csv:out"), "parquet:PATH")):
        with pytest.raises(ClaimgraphError, match=text) as raised:
            check(options)
        assert raised.value.code == Code.BAD_OPTION
    result = CliRunner().invoke(cli, ["ingest", "x", "--master", "local[2]", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "E401" in result.output


def test_sqlite_is_written_from_this_machine_only(tmp_path: Path) -> None:
    url = store_url(str(tmp_path / "a.db"))
    refuse_shared_sqlite(url, "local[4]")
    refuse_shared_sqlite("postgresql+psycopg://u@db/claims", "spark://cluster:7077")
    for db, master in ((url, "spark://cluster:7077"), ("sqlite://", "local[2]")):
        with pytest.raises(ClaimgraphError) as raised:
            refuse_shared_sqlite(db, master)
        assert raised.value.code == Code.SQLITE_WRITERS
    assert store_url("relative.db").startswith("sqlite:////")  # absolute: the workers' folder may differ


def test_a_missing_extra_or_java_is_a_coded_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # importing it raises ImportError
    with pytest.raises(ClaimgraphError, match="pyarrow.*claimgraph\\[spark\\]") as raised:
        session.require_spark()
    assert raised.value.code == Code.SPARK_MISSING
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ClaimgraphError) as raised:
        session.require_java()
    assert raised.value.code == Code.JAVA_MISSING
    assert session.java_major('openjdk version "17.0.15" 2025-04-15') == 17
    assert session.java_major('java version "1.8.0_392"') == 8
    assert session.java_major("no banner") is None
