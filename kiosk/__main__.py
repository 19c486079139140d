"""``python -m kiosk`` runs the command-line front end."""

from kiosk.cli import main

raise SystemExit(main())
