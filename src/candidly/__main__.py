"""``python -m candidly`` runs the command line."""

from candidly.cli import main

main()
