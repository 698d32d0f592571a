"""``python -m certpath``: the same as the ``certpath`` command."""

from certpath.cli.main import main

if __name__ == "__main__":
    main()
