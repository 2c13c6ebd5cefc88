"""Old home of the conversions to and from ``movement``'s datasets.

They live in :mod:`movement_like.io.movement_compat` (the netCDF reader uses
them, and the I/O layer does not reach up); this module keeps the old import
path working.
"""

from movement_like.io.movement_compat import from_movement, is_movement_layout, to_movement

__all__ = ["from_movement", "to_movement", "is_movement_layout"]
