"""The room on the clinic's MQTT broker: retained status, availability, finished sessions, Home
Assistant discovery and messages from the front desk.

Nothing here runs, and paho-mqtt is never imported, unless the room config has an ``mqtt:`` block.
Network work happens on paho's own thread; what it brings in reaches the engine only through the
kiosk's one main-thread hand-off.
"""
