"""Every error a user can see has a stable code, so scripts and docs can refer to it.

Ranges: E1xx ingest, E2xx store, E3xx extraction and models, E4xx usage, E5xx export and import.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # ingest
    EMPTY = "E101"
    BINARY = "E102"
    NOT_UTF8 = "E103"
    TOO_LARGE = "E104"
    NO_TEXT = "E105"  # HTML or feed entry with no readable text
    UNREACHABLE = "E106"
    PRIVATE_ADDRESS = "E107"
    BAD_CONTENT_TYPE = "E108"
    NOT_JSON = "E109"
    BAD_FEED = "E110"
    TOO_MANY_REDIRECTS = "E111"
    NOT_FOUND = "E112"
    HTTP_STATUS = "E113"
    UNSUPPORTED_FILE = "E114"
    BAD_RECORD = "E115"  # JSON line without text or html
    BAD_ENTITY = "E116"  # `kb import`: a JSON line that is not a FollowTheMoney entity we can read
    # ingest at scale: WARC files and the Spark engine (`ingest --engine spark`, `load`)
    BAD_WARC = "E120"  # a WARC record warcio cannot read; the file's other records go on
    SPARK_MISSING = "E121"  # `--engine spark` or `load` without the `claimgraph[spark]` extra
    JAVA_MISSING = "E122"  # no Java 17+ for Spark
    SQLITE_WRITERS = "E123"  # a SQLite store written from a Spark cluster: SQLite takes one writer
    BAD_EXPORT = "E124"  # `load`: not Parquet written by `ingest --engine spark --output parquet:`
    SPARK_FAILED = "E125"  # the Spark job failed (the message has Spark's reason)
    # store
    SCHEMA_TOO_NEW = "E201"
    SCHEMA_UNKNOWN = "E202"
    STORE_WRITE = "E203"
    UNKNOWN_ENTITY = "E204"  # curation named an entity id the store does not hold
    BAD_JUDGEMENT = "E205"  # a curation that cannot apply (merge into itself, bad type, undo out of order)
    UNKNOWN_JUDGEMENT = "E206"
    STORE_CONFLICT = "E207"  # a write kept conflicting with other writers (deadlocks, busy database)
    COPY_TARGET_NOT_EMPTY = "E208"  # `db copy`: the destination already holds a graph
    COPY_MISMATCH = "E209"  # `db copy`: a table's row count differs between source and destination
    SAME_DATABASE = "E210"  # `db copy`: source and destination are the same database
    # extraction
    MODEL_MISSING = "E301"
    LEXICON_INVALID = "E302"
    KB_INVALID = "E303"
    EXTRACTION_FAILED = "E304"  # the rules failed on one document; the batch goes on
    ANALYSIS_INVALID = "E305"  # the link-assessment rules file (data/analysis.yaml or --rules) is malformed
    # usage
    BAD_OPTION = "E401"
    # HTTP API (`claimgraph serve`)
    NOT_AUTHENTICATED = "E410"  # a write without the right bearer token
    WRITES_DISABLED = "E411"  # a write while $CLAIMGRAPH_TOKEN is unset
    REQUEST_TOO_LARGE = "E412"  # a request body over the limit (1 MB)
    BAD_REQUEST = "E413"  # a query parameter or body the API cannot use
    NO_ROUTE = "E414"  # no such path or method
    UNKNOWN_DOCUMENT = "E415"  # no stored document has that key or id
    # export and import (`claimgraph export`, `claimgraph import`)
    EXPORT_FAILED = "E501"  # the export could not be written (the path's folder is missing, not writable)
    BAD_IMPORT = "E502"  # `import`: a line that is not a record of a claimgraph jsonl export
    IMPORT_TARGET_NOT_EMPTY = "E503"  # `import`: the database already holds a graph
    IMPORT_VERSION = "E504"  # `import`: an export of another format version, or no header line
    MAPPING_INVALID = "E505"  # data/exports/*.yaml malformed, or lacking a type or relation


class ClaimgraphError(Exception):
    """An error with a stable code; str() gives 'E101 message'."""

    def __init__(self, code: Code, message: str):
        super().__init__(f"{code.value} {message}")
        self.code = code
        self.message = message


class IngestError(ClaimgraphError):
    """One input could not be read; the batch goes on."""


class StoreError(ClaimgraphError):
    pass
