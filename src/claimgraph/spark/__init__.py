"""`claimgraph ingest --engine spark`: the same reading, cleaning and extraction, run by Apache Spark.

The plan (job.py): Spark lists the inputs (local paths or any Hadoop URI) and reads them as
(path, bytes) with its `binaryFile` source; a first `mapInPandas` cuts each file into units (a
whole text or HTML file, a JSON line, a WARC record: units.py); the units are range-partitioned in
input order; a second `mapInPandas` routes, cleans and extracts them in the Python workers, with
the spaCy pipeline loaded once per worker process (worker.py). Its rows carry the Article and the
Extraction as JSON (records.py), so whatever stores them calls the same `Store.add_documents` as a
normal ingest (sink.py): the workers themselves (PostgreSQL, or SQLite with one writer), or
`claimgraph load` from Parquet (load.py). Copy detection runs once after the load.

Nothing here imports pyspark at module level but session.py and job.py, which only the Spark
engine imports: pandas and pyarrow come with the `claimgraph[spark]` extra too.
"""
