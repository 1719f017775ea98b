"""The OpenAPI contract, fuzzed: schemathesis finds no 5xx and no answer outside the schema.

Every operation of the app's own /openapi.json is called in-process (ASGI) with an admin key,
on a PostgreSQL database of this module's own (units are created and deactivated freely, so no
other test's seed data is touched), a bucket and a queue of its own. Each operation is one
subtest: positive and negative examples, and, where the path names a submission, examples at a
real one so the fuzzed bodies get past the 404. Examples are bounded per operation; the
hypothesis database is off so runs leave nothing behind.

schemathesis' own pytest wrapper (`schema.parametrize`) does not run on pytest 9 (it sets
`Function._nodeid`, gone there), so its Python API drives the calls: `as_strategy` per operation
under hypothesis, `call_and_validate` per example.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.python.asgi import get_client, shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from infra.db import create_db_engine, create_session_factory, transaction
from infra.settings import Settings
from infra.tables import Submission
from intake.app import create_app
from tests.support.services import fresh_database, make_key, make_unit

pytestmark = pytest.mark.e2e

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def own_database() -> Iterator[str]:
    """A PostgreSQL database for this module alone, migrated; dropped at the end."""
    with fresh_database("absah_s") as url:
        yield url


@pytest.fixture(scope="module")
def api_settings(
    own_database: str, redis_url: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    tag = secrets.token_hex(4)
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("schema") / "data",
        database_url=own_database,
        broker_url=redis_url,
        queue_name=f"absah-test-{tag}",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=f"absah-test-{tag}",
        s3_access_key_id="testing",
        s3_secret_access_key=SecretStr("testing"),
    )
    yield settings
    # No worker consumes this queue: remove the messages the fuzzed uploads left (our keys only).
    broker = redis.Redis.from_url(redis_url)
    broker.delete(settings.queue_name, f"_kombu.binding.{settings.queue_name}")
    broker.close()


@pytest.fixture(scope="module")
def keys(api_settings: Settings) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """A key of every role (the unit and portal keys scoped to the unit made here, the
    verifier to its region), and the address of a real submission (its unit and row)."""
    engine = create_db_engine(api_settings)
    sessions = create_session_factory(engine)
    unit = make_unit(sessions, region="16")
    headers = {
        "admin": make_key(sessions),
        "verifier": make_key(sessions, "verifier", region="16"),
        "portal": make_key(sessions, "portal", units=[unit]),
        "unit": make_key(sessions, "unit", units=[unit]),
    }
    with transaction(sessions) as session:
        session.add(Submission(programme="P2HAM", period="2025", unit_code=unit))
    engine.dispose()
    return headers, {"programme": "P2HAM", "period": "2025", "unit": unit}


@pytest.fixture(scope="module")
def admin(
    keys: tuple[dict[str, dict[str, str]], dict[str, str]],
) -> tuple[dict[str, str], dict[str, str]]:
    """The admin key and the real submission's address."""
    return keys[0]["admin"], keys[1]


@pytest.fixture(scope="module")
def api_schema(api_settings: Settings) -> Iterator[BaseSchema]:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", create_app(api_settings))
    yield loaded
    shutdown_lifespans()  # closes the app's runtime: engine, storage client, broker sender


def cases(
    operation: APIOperation[Any, Any, Any, Any], real: dict[str, str]
) -> st.SearchStrategy[Case[Any]]:
    variants = [operation.as_strategy(mode) for mode in GenerationMode]
    fixed = {k: v for k, v in real.items() if k in re.findall(r"{(\w+)}", operation.path)}
    if fixed:
        variants.append(operation.as_strategy(path_parameters=fixed))
    return st.one_of(variants)


@pytest.mark.parametrize(
    ("role", "examples"),
    [
        pytest.param("admin", EXAMPLES_PER_OPERATION, id="admin"),
        pytest.param("verifier", EXAMPLES_PER_OPERATION // 4, id="verifier"),
        pytest.param("portal", EXAMPLES_PER_OPERATION // 4, id="portal"),
        pytest.param("unit", EXAMPLES_PER_OPERATION // 4, id="unit"),
    ],
)
def test_no_operation_answers_with_a_server_error_or_outside_its_schema(
    api_schema: BaseSchema,
    keys: tuple[dict[str, dict[str, str]], dict[str, str]],
    subtests: pytest.Subtests,
    role: str,
    examples: int,
) -> None:
    """Every role: the admin sees everything; the others meet 403s and 404s, never a 5xx."""
    headers, real = keys[0][role], keys[1]
    operations = list(api_schema.get_all_operations())
    assert len(operations) > 20
    for result in operations:
        if isinstance(result, Err):  # an operation the schema cannot describe
            raise result.err()
        operation = result.ok()
        with subtests.test(msg=operation.label):

            @given(case=cases(operation, real))
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Case[Any]) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            call()


REAL = {"programme": "P2HAM", "period": "2025"}  # and the unit made by the `admin` fixture
SUBMISSION = "/v1/submissions/{programme}/{period}/{unit}"


@pytest.mark.parametrize(
    ("method", "path", "request_parts", "status", "code"),
    [
        ("GET", "/v1/review-queue", {"query": {"older_than_hours": 17758741.0}}, 422, None),
        ("GET", "/v1/review-queue", {"query": {"offset": 2**63}}, 422, "invalid_request"),
        ("GET", "/v1/audit", {"query": {"offset": 2**63}}, 422, "invalid_request"),
        ("GET", "/v1/units", {"query": {"region": "\x00"}}, 422, "invalid_value"),
        ("GET", "/v1/units", {"query": {"active": "3e-20"}}, 422, "invalid_request"),
        ("GET", f"{SUBMISSION}/decisions", {"query": {"criterion": "\x00"}}, 422, "invalid_value"),
        ("GET", "/v1/documents/{document_id}", {"path": {"document_id": "\x00"}}, 422, None),
        ("GET", "/v1/catalog/{programme}", {"path": {"programme": "0"}}, 404, "not_found"),
        ("GET", f"{SUBMISSION}/report.html", {"path": dict.fromkeys(REAL, "0")}, 422, None),
        ("GET", f"{SUBMISSION}/findings.csv", {"path": {"unit": "NOPE"}}, 404, "not_found"),
    ],
    ids=[
        "hours past datetime's range",
        "queue offset past BIGINT",
        "audit offset past BIGINT",
        "a NUL in a query",
        "a float for a boolean",
        "a NUL in a criterion filter",
        "a NUL in a path",
        "an unknown programme's catalog",
        "an HTML route's error is JSON",
        "a CSV route's error is JSON",
    ],
)
def test_each_answer_the_fuzzer_once_broke_now_keeps_the_contract(
    api_schema: BaseSchema,
    admin: tuple[dict[str, str], dict[str, str]],
    method: str,
    path: str,
    request_parts: dict[str, dict[str, Any]],
    status: int,
    code: str | None,
) -> None:
    headers, real = admin
    known = {k: v for k, v in real.items() if "{" + k + "}" in path}
    case = api_schema[path][method].Case(
        path_parameters={**known, **request_parts.get("path", {})},
        query=request_parts.get("query"),
    )
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    assert response.status_code == status
    assert response.json()["code"] == code or code is None
    assert response.json()["message"] != response.json()["message_en"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/v1/uploads", b"\xff\xfe{", 400, "invalid_body"),
        ("POST", "/v1/uploads", b'{"name": ', 422, "invalid_request"),
        ("GET", "/v1/tidak-ada", None, 404, "not_found"),
        ("DELETE", "/healthz", None, 405, "method_not_allowed"),
    ],
    ids=[
        "a body that is not utf-8",
        "json cut short",
        "an unknown path",
        "a method the path lacks",
    ],
)
def test_what_the_framework_refuses_itself_is_answered_in_the_error_shape(
    api_schema: BaseSchema,
    admin: tuple[dict[str, str], dict[str, str]],
    method: str,
    path: str,
    body: bytes | None,
    status: int,
    code: str,
) -> None:
    headers, _ = admin
    with get_client(api_schema.app) as client:
        response = client.request(
            method, path, data=body, headers={**headers, "Content-Type": "application/json"}
        )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"] != response.json()["message_en"]
    if path == "/v1/uploads":  # an operation of the schema: the answer is one it declares
        api_schema[path][method].Case().validate_response(response, checks=CHECKS)
