"""``python -m proxisante`` runs the CLI."""

from proxisante.cli import main

main()
