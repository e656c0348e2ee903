"""Corpus scale: scan, repair and filter JSONL / JSONL.gz / Parquet corpora in parallel.

The work is cut into *chunks* (byte ranges of a JSONL shard aligned to line starts, or runs
of Parquet row groups). Each chunk is processed by :func:`repairtool.corpus.tasks.run_chunk`,
which writes its part files and a *done* marker into the output folder, so a run can be
resumed and run on one process, a local pool or a Dask cluster with the same results.
Nothing here imports pyarrow or dask until a Parquet shard or the Dask engine needs it.
"""
