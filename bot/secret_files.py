"""Reads secrets from files named by ENSEMBLE_…_FILE variables (Docker and Kubernetes secrets)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

FILE_SUFFIX = "_FILE"


class SecretFileError(ValueError):
    def __init__(self, variable: str, path: str, reason: str) -> None:
        super().__init__(f"{variable}: cannot read {path}: {reason}")
        self.variable = variable


class SecretFilesSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], prefix: str, delimiter: str) -> None:
        super().__init__(settings_cls)
        self._prefix = prefix
        self._delimiter = delimiter

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for variable, path in os.environ.items():
            if not (variable.startswith(self._prefix) and variable.endswith(FILE_SUFFIX)):
                continue
            name = variable[len(self._prefix) : -len(FILE_SUFFIX)].lower()
            _assign(values, name.split(self._delimiter), _read_secret(variable, path))
        return values


def _read_secret(variable: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretFileError(variable, path, exc.strerror or type(exc).__name__) from None


def _assign(target: dict[str, Any], keys: list[str], value: str) -> None:
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value
