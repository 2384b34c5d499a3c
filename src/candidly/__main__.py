"""``python -m candidly``: the same as the ``candidly`` command."""

from candidly.cli import main

main()
