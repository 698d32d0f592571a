"""Importers: convert other sources (ESCO, training catalogs as CSV) into certpath RDF.

Each importer is a library function the CLI calls (``certpath import ...``); output files are
written through :mod:`certpath.output` (atomically, replaced only with ``force``, ``-`` for
standard output).
"""
