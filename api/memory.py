"""Memory settling for a long-running server: the serving edge's business, not the domain's."""

from __future__ import annotations

import gc


def settle_memory() -> None:
    """Move the long-lived objects just built out of the collector's reach: a full collection of the whole
    knowledge base otherwise pauses every request for about half a second under load (bench/load.py)."""
    gc.collect()
    gc.freeze()
