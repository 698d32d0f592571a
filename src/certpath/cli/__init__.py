"""The ``certpath`` command line: thin click commands over the library."""
