"""Reading and writing: input readers, atomic file and folder writes, streamed table output."""

from framing.io.atomic import atomic_path, open_atomic, remove_leftovers, replace_folder, write_atomic

__all__ = ["atomic_path", "open_atomic", "remove_leftovers", "replace_folder", "write_atomic"]
