"""Response shapes checked against the 200 schemas of Wekan's OpenAPI file at v6.99."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import Wekan

# shared/ sits beside the repository, here and in CI's clone.
# A copy of Wekan's own public/api/wekan.yml at v6.99 (wekan/wekan tag v6.99), kept in
# the project so that the suite needs nothing outside the clone.
SPEC = Path(__file__).resolve().parent / "specs" / "wekan-v6.99.yml"


@cache
def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return loaded


def schema_for(method: str, path: str) -> dict[str, Any]:
    spec = _spec()
    responses = spec["paths"][path][method.lower()]["responses"]
    schema: dict[str, Any] = (responses.get(200) or responses["200"])["schema"]
    return {**schema, "definitions": spec["definitions"]}


def check(method: str, path: str, body: object) -> None:
    jsonschema.Draft4Validator(schema_for(method, path)).validate(body)


def test_the_validator_rejects_a_wrong_shape() -> None:
    with pytest.raises(jsonschema.ValidationError):
        check("POST", "/api/boards/{board}/lists", {"_id": 5})


async def test_board_user_and_list_routes_match_the_spec(wekan: Wekan) -> None:
    token, b = await wekan.token(), wekan.board
    bid, marie = b["id"], wekan.user_id("marie")
    _, login = await wekan.json(
        "POST", "/users/login", json={"username": "marie", "password": "agent-wekan-password"}
    )
    check("POST", "/users/login", login)
    _, created = await wekan.json("POST", "/api/boards", token, json={"title": "Spec"})
    check("POST", "/api/boards", created)
    check("GET", "/api/boards/{board}", (await wekan.json("GET", f"/api/boards/{bid}", token))[1])
    check(
        "GET",
        "/api/users/{user}/boards",
        (await wekan.json("GET", f"/api/users/{marie}/boards", token))[1],
    )
    check("GET", "/api/users", (await wekan.json("GET", "/api/users", token))[1])
    check("GET", "/api/users/{user}", (await wekan.json("GET", f"/api/users/{marie}", token))[1])
    check("GET", "/api/user", (await wekan.json("GET", "/api/user", token))[1])
    check(
        "GET",
        "/api/boards/{board}/lists",
        (await wekan.json("GET", f"/api/boards/{bid}/lists", token))[1],
    )
    _, new_list = await wekan.json("POST", f"/api/boards/{bid}/lists", token, json={"title": "L"})
    check("POST", "/api/boards/{board}/lists", new_list)
    check(
        "GET",
        "/api/boards/{board}/lists/{list}",
        (await wekan.json("GET", f"/api/boards/{bid}/lists/{new_list['_id']}", token))[1],
    )
    check(
        "GET",
        "/api/boards/{board}/swimlanes",
        (await wekan.json("GET", f"/api/boards/{bid}/swimlanes", token))[1],
    )
    check(
        "POST",
        "/api/boards/{board}/swimlanes",
        (await wekan.json("POST", f"/api/boards/{bid}/swimlanes", token, json={"title": "S"}))[1],
    )
    _, added = await wekan.json(
        "POST",
        f"/api/boards/{bid}/members/{marie}/add",
        token,
        json={"action": "add", "role": "normal"},
    )
    # Known error of that file: typed as an object, the server answers an array of them.
    for entry in added:
        check("POST", "/api/boards/{board}/members/{user}/add", entry)


async def test_card_comment_and_integration_routes_match_the_spec(wekan: Wekan) -> None:
    token, b = await wekan.token(), wekan.board
    bid, lid = b["id"], b["lists"]["À faire"]
    cards = f"/api/boards/{bid}/lists/{lid}/cards"
    _, created = await wekan.json(
        "POST",
        cards,
        token,
        json={
            "title": "T",
            "swimlaneId": b["swimlane_id"],
            "dueAt": "2026-03-03T10:00:00Z",
            "assignees": [wekan.user_id("marie")],
            "description": "d",
        },
    )
    check("POST", "/api/boards/{board}/lists/{list}/cards", created)
    card = created["_id"]
    check(
        "GET", "/api/boards/{board}/lists/{list}/cards", (await wekan.json("GET", cards, token))[1]
    )
    check(
        "GET",
        "/api/boards/{board}/lists/{list}/cards/{card}",
        (await wekan.json("GET", f"{cards}/{card}", token))[1],
    )
    check(
        "PUT",
        "/api/boards/{board}/lists/{list}/cards/{card}",
        (await wekan.json("PUT", f"{cards}/{card}", token, json={"title": "U"}))[1],
    )
    check(
        "GET",
        "/api/boards/{board}/swimlanes/{swimlane}/cards",
        (await wekan.json("GET", f"/api/boards/{bid}/swimlanes/{b['swimlane_id']}/cards", token))[
            1
        ],
    )
    check(
        "GET",
        "/api/boards/{board}/cards_count",
        (await wekan.json("GET", f"/api/boards/{bid}/cards_count", token))[1],
    )
    comments = f"/api/boards/{bid}/cards/{card}/comments"
    check(
        "POST",
        "/api/boards/{board}/cards/{card}/comments",
        (await wekan.json("POST", comments, token, json={"comment": "c"}))[1],
    )
    check(
        "GET",
        "/api/boards/{board}/cards/{card}/comments",
        (await wekan.json("GET", comments, token))[1],
    )
    hooks = f"/api/boards/{bid}/integrations"
    _, hook = await wekan.json("POST", hooks, token, json={"url": "https://bot.example.org/w"})
    check("POST", "/api/boards/{board}/integrations", hook)
    check(
        "PUT",
        "/api/boards/{board}/integrations/{int}",
        (await wekan.json("PUT", f"{hooks}/{hook['_id']}", token, json={"token": "t"}))[1],
    )
    check("GET", "/api/boards/{board}/integrations", (await wekan.json("GET", hooks, token))[1])
    check(
        "GET",
        "/api/boards/{board}/integrations/{int}",
        (await wekan.json("GET", f"{hooks}/{hook['_id']}", token))[1],
    )
    check(
        "DELETE",
        "/api/boards/{board}/lists/{list}/cards/{card}",
        (await wekan.json("DELETE", f"{cards}/{card}", token))[1],
    )
