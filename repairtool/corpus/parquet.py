"""Parquet shards (pyarrow, imported only here): one row group in memory at a time."""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from repairtool.corpus.tasks import REASON_FIELD, Handler, Parts, _error

if TYPE_CHECKING:
    from collections.abc import Iterator

_EDIT = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("replacement", pa.string())])
_FIX = pa.struct([("title", pa.string()), ("applicability", pa.string()),
                  ("edits", pa.list_(_EDIT))])
_FINDING = pa.struct([
    ("id", pa.string()), ("line", pa.int64()), ("column", pa.int64()),
    ("end_line", pa.int64()), ("end_column", pa.int64()), ("start", pa.int64()),
    ("end", pa.int64()), ("rule", pa.string()), ("name", pa.string()),
    ("category", pa.string()), ("severity", pa.string()), ("message", pa.string()),
    ("fixes", pa.list_(_FIX)),
])
#: Schema of results-NNNNN.parquet (``--output-format parquet``).
RESULTS = pa.schema([("id", pa.string()), ("counts", pa.map_(pa.string(), pa.int64())),
                     ("findings", pa.list_(_FINDING))])


def results_writer(path: Any) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, RESULTS)


def results_table(rows: list[dict[str, Any]]) -> pa.Table:
    data = [{"id": None if r["id"] is None else str(r["id"]),
             "counts": list(r["counts"].items()), "findings": r["findings"]} for r in rows]
    return pa.Table.from_pylist(data, schema=RESULTS)


def run(h: Handler, parts: Parts, errors: IO[str]) -> None:
    """Process the row groups of the chunk with the job's command."""
    job = h.job
    pf = pq.ParquetFile(h.shard.path)
    schema = pf.schema_arrow
    if job.command == "scan":
        from repairtool.corpus.tasks import ResultsWriter

        with ResultsWriter(job, parts) as results:
            for _, texts, ids in _groups(h, pf, errors, full=False):
                for i, text in enumerate(texts):
                    if text is not None:
                        results.add(h.document(ids[i], text))
        return
    if job.command == "fix":
        with pq.ParquetWriter(parts.path("fixed", ".parquet"), schema, **like(pf)) as out:
            for table, texts, ids in _groups(h, pf, errors, full=True):
                new = [None if t is None else h.document(ids[i], t) for i, t in enumerate(texts)]
                if any(n is not None for n in new):
                    table = _set_text(table, job.text_field, new)
                out.write_table(table)
        return
    rej_schema = schema.append(pa.field(REASON_FIELD, pa.string()))
    with pq.ParquetWriter(parts.path("kept", ".parquet"), schema, **like(pf)) as kept, \
            pq.ParquetWriter(parts.path("rejected", ".parquet"), rej_schema,
                             **like(pf)) as rejected:
        for table, texts, ids in _groups(h, pf, errors, full=True):
            reasons = [None if t is None else h.document(ids[i], t) for i, t in enumerate(texts)]
            good = [t is not None for t in texts]
            keep = [g and r is None for g, r in zip(good, reasons, strict=True)]
            drop = [r is not None for r in reasons]
            kept.write_table(table.filter(pa.array(keep, pa.bool_())))
            out = table.filter(pa.array(drop, pa.bool_()))
            out = out.append_column(REASON_FIELD, pa.array([r for r in reasons if r is not None],
                                                           pa.string()))
            rejected.write_table(out)


def like(pf: pq.ParquetFile) -> dict[str, Any]:
    """Writer options that keep the input's compression codec."""
    meta = pf.metadata
    if meta.num_row_groups == 0 or meta.num_columns == 0:
        return {}
    codec = meta.row_group(0).column(0).compression.lower()
    return {"compression": "none" if codec == "uncompressed" else codec}


def _set_text(table: pa.Table, name: str, new: list[str | None]) -> pa.Table:
    i = table.schema.get_field_index(name)
    old = table.column(i).to_pylist()
    merged = [o if n is None else n for o, n in zip(old, new, strict=True)]
    return table.set_column(i, table.schema.field(i), pa.array(merged, table.schema.field(i).type))


def _groups(h: Handler, pf: pq.ParquetFile, errors: IO[str], full: bool
            ) -> Iterator[tuple[pa.Table, list[str | None], list[Any]]]:
    """Each row group of the chunk, its texts (``None`` for bad rows) and document ids."""
    job, shard, st = h.job, h.shard, h.stats
    names = pf.schema_arrow.names
    meta = pf.metadata
    row = sum(meta.row_group(g).num_rows for g in range(h.chunk.start))
    id_field = job.id_field if job.id_field in names else None
    for g in range(h.chunk.start, h.chunk.end):
        if full:
            table = pf.read_row_group(g)
        else:
            cols = [c for c in (job.text_field, id_field) if c and c in names]
            table = pf.read_row_group(g, columns=cols) if cols else None
        n = meta.row_group(g).num_rows
        texts, problem = _texts(table, job.text_field, n)
        ids = table.column(id_field).to_pylist() if id_field and table is not None else [None] * n
        for i in range(n):
            st.lines += 1
            too_long = isinstance(texts[i], str) and len(texts[i]) > job.max_record
            if problem or texts[i] is None or not isinstance(texts[i], str) or too_long:
                st.bad += 1
                what = problem or ("null" if texts[i] is None else "not a string")
                msg = what if problem else f"field {job.text_field!r} is {what}"
                if too_long and not problem:
                    msg = (f"field {job.text_field!r} of {len(texts[i])} characters is over "
                           f"the size limit of {job.max_record} (--max-record-size)")
                errors.write(json.dumps(_error(shard, msg, row=row + i + 1)) + "\n")
                texts[i] = None
            elif ids[i] is None:
                ids[i] = f"{shard.rel}#{row + i + 1}"
        row += n
        yield table, texts, ids


def _texts(table: pa.Table | None, name: str, n: int) -> tuple[list[Any], str | None]:
    if table is None or name not in table.schema.names:
        return [None] * n, f"no field {name!r}"
    col = table.column(name)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return [None] * n, f"field {name!r} is {col.type}, not a string"
    return col.to_pylist(), None
