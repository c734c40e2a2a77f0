"""The README's API examples are real: each curl command names an operation of the schema with
a body the schema accepts, and run in order against the test server they all succeed."""

import json
import re
import shlex
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from api.tokens import token_issue
from enterprises.models import Enterprise
from tests.api.conftest import PDF

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## API", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        joined = block.replace("\\\n", " ")
        commands += [
            line.strip() for line in joined.splitlines() if line.strip().startswith("curl")
        ]
    return commands


def _parse(command: str, env: dict) -> dict:
    for name, value in env.items():
        command = command.replace(f"${name}", str(value))
    args = shlex.split(command)[1:]
    call = {"method": "GET", "headers": {}, "data": None, "form": {}, "url": None}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-X":
            call["method"], i = args[i + 1], i + 1
        elif arg == "-H":
            name, value = args[i + 1].split(": ", 1)
            call["headers"][name], i = value, i + 1
        elif arg == "-d":
            call["data"], i = json.loads(args[i + 1]), i + 1
        elif arg == "-F":
            name, value = args[i + 1].split("=", 1)
            call["form"][name], i = value, i + 1
        else:
            call["url"] = arg
        i += 1
    if call["form"] and call["method"] == "GET":
        call["method"] = "POST"
    return call


def _operation(schema: dict, method: str, path: str) -> dict:
    for template, item in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the schema")


def _resolve(schema: dict, ref_or_schema: dict) -> dict:
    if "$ref" in ref_or_schema:
        return schema["components"]["schemas"][ref_or_schema["$ref"].rsplit("/", 1)[1]]
    return ref_or_schema


def test_the_readme_has_api_examples():
    assert len(_commands()) >= 10


def test_every_example_names_an_operation_and_a_body_of_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    env = {
        "QQ": "/api/v1",
        "ISSUE": 1,
        "UNIT": 1,
        "DISPATCHER": "t",
        "HANDLER": "t",
        "HOTLINE": "t",
    }
    for command in _commands():
        call = _parse(command, env)
        operation = _operation(schema, call["method"], call["url"].split("?")[0])
        body = call["data"] or call["form"]
        if not body:
            continue
        content = operation["requestBody"]["content"]
        media = "multipart/form-data" if call["form"] else "application/json"
        properties = _resolve(schema, content[media]["schema"]).get("properties", {})
        assert set(body) <= set(properties), f"{command}: {set(body) - set(properties)}"


@pytest.mark.django_db
def test_the_examples_run_in_order_against_the_test_server(world, hotline, tmp_path, monkeypatch):
    from rest_framework.test import APIClient

    Enterprise.objects.filter(pk=world.ent_a.pk).update(credit_code="91420102MA4K0000XF")
    env = {
        "QQ": "/api/v1",
        "UNIT": world.line_unit.pk,
        "DISPATCHER": token_issue(actor=None, user=world.dispatcher, name="readme").key,
        "HANDLER": token_issue(actor=None, user=world.handler, name="readme").key,
        "HOTLINE": hotline.key,
    }
    for command in _commands():
        call = _parse(command, env)
        if "ISSUE" in env:
            call["url"] = call["url"].replace("$ISSUE", str(env["ISSUE"]))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=call["headers"]["Authorization"])
        method = getattr(client, call["method"].lower())
        if call["form"]:
            form = {
                k: SimpleUploadedFile(v[1:], PDF) if v.startswith("@") else v
                for k, v in call["form"].items()
            }
            answer = method(call["url"], form, format="multipart")
        elif call["data"] is not None:
            answer = method(call["url"], call["data"], format="json")
        else:
            answer = method(call["url"])
        assert answer.status_code < 300, f"{command}\n→ {answer.status_code} {answer.content[:300]}"
        if "/work-orders/" in call["url"]:
            env["ISSUE"] = answer.json()["issue_id"]
        if call["url"] == f"/api/v1/issues/{env.get('ISSUE')}/":
            detail = answer.json()
    assert detail["state"] == "resolved"
    assert [e["kind"] for e in detail["timeline"]] == [
        "register",
        "dispatch",
        "acknowledge",
        "comment",
        "attach",
        "resolve",
    ]
