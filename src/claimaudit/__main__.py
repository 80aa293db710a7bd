"""Run the command line: `python -m claimaudit`."""

from claimaudit.cli import main

main()
