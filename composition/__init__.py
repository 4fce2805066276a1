"""The composition root: the one place that knows the core, the features and the adapters.

It sits in its own top-level package, beside `bot`, `commands` and `integrations` rather than
inside any of them, because it is the only code allowed to import all three: the core defines
ports and the `Feature` declaration, features use ports, adapters implement them, and nothing
but this package decides which adapter serves which port and which features are on. Keeping it
apart lets tests/test_architecture.py forbid every other cross-layer import.
"""
