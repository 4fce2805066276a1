"""Cross-cutting steps around every command, in the order the dispatcher chains them."""
