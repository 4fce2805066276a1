"""Command families: one router per module, included by the composition root."""
