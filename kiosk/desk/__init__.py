"""The front-desk board: a small web server that shows every room live, messages a room and keeps
the clinic's history.

Runs as its own process (``kiosk desk --config desk.yaml``), never imports Kivy, and shares the
clinic's topics, command validation and record shapes with the rooms (:mod:`kiosk.clinic.protocol`).
"""
