"""Progress lines: to the Dagster log (dagster dev) and to the `whycall.progress` logger (CLI)."""

from __future__ import annotations

import logging

_log = logging.getLogger("whycall.progress")


def report(context, message: str) -> None:
    if context is not None:
        context.log.info(message)
    _log.info(message)
