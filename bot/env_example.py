"""Lists every setting as an environment variable with its description (.env.example)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from bot.config import ENV_PREFIX, NESTED_DELIMITER


def variables(model: type[BaseModel], prefix: str = ENV_PREFIX) -> Iterator[str]:
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        variable = f"{prefix}{name.upper()}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from variables(annotation, variable + NESTED_DELIMITER)
            continue
        secret = "SecretStr" in str(annotation) or annotation is SecretStr
        yield f"# {field.description}" + (" (secret; or ..._FILE=/path)" if secret else "")
        default = field.get_default(call_default_factory=True)
        shown = "" if default is None or secret or isinstance(default, Path) else _render(default)
        yield f"{variable}={shown}"


def _render(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):  # read back as JSON
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render(settings: type[BaseModel]) -> str:
    """The example of the whole settings model given (composition/settings.py for the bot)."""
    header = (
        "# ENSEMBLE bot settings: copy to .env and fill in. Generated from the settings "
        "models (`make env-example`).\n"
    )
    return header + "\n".join(variables(settings)) + "\n"
