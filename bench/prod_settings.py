"""The production settings for bench/load.py's gunicorn, with one difference.

The kiosk's safety valve (60 scans a minute per kiosk session) exists against a
stuck scanner; the load run sends hundreds of scans a second from one session
on purpose, so it is raised here. Everything else is config.settings.prod.
"""

from config.settings.prod import *  # noqa: F403

TSUNAGU_KIOSK_SCANS_PER_MINUTE = 1_000_000
