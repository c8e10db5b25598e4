"""Reading and writing: input readers, atomic file and folder writes, streamed table output."""

from framing.io.atomic import atomic_path, open_atomic, remove_leftovers, replace_folder, write_atomic
from framing.io.tables import check_output_is_not_input, write_table

__all__ = [
    "atomic_path",
    "check_output_is_not_input",
    "open_atomic",
    "remove_leftovers",
    "replace_folder",
    "write_atomic",
    "write_table",
]
