"""File formats: what the files a user brings mean, read into RDF quads, with no store of their own.

- :mod:`kg.formats.annotation`: the YAML annotation of one source document (claims and quotes);
- :mod:`kg.formats.acled` and :mod:`kg.formats.gdelt`: rows of the two event datasets, in the
  layouts people download;
- :mod:`kg.formats.records`: the writer that turns event records into a named graph per file;
- :mod:`kg.formats.events`: which files are event files, and reading a dataset's files together,
  each event once, in its newest version;
- :mod:`kg.formats.names`: names made joinable (regime dates, capitals, countries) and the
  entities already known that they join;
- :mod:`kg.formats.textfile`: a file's text as handed over (zipped, with a byte-order mark, in
  Windows-1252).

These modules sit below the loader (:mod:`kg.dataset`) and the operations that change the
store (:mod:`kg.build`, :mod:`kg.ingest.apply`). Where a reader must look names up (an
annotation naming "Hezbollah"), it is handed something that runs queries
(:class:`kg.queries.Runner`) rather than importing the store, so imports point one way only.
"""
