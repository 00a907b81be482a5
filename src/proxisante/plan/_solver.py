"""A silent HiGHS instance (the solver prints a banner on creation unless told otherwise)."""

from __future__ import annotations

import os
import sys

__all__ = ["new_highs"]


def new_highs():
    """``highspy.Highs()`` with its start-up banner and log switched off.

    The banner is written by the C++ library to file descriptor 1 when the object is created,
    before any option can be set, so it is redirected at the descriptor level for that call.
    """
    # deferred: highspy takes 0.1 s to import; only solving needs it
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h
