"""Schemathesis over the OpenAPI spec: whatever the inputs, the API answers without a server error.

Runs as an analyst (an API token), so the staff-only operations are exercised too.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


@pytest.fixture
def api_schema(db_url):
    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.accounts import add_api_token
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    Ingestor(db_url).run(demo_items()[:8])
    with transaction(db_url) as session:
        user = create_user(session, "fuzz", "analyst", password="correct horse battery").user
        token = add_api_token(session, user, "schemathesis")
    app = create_app(db_url)
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    loaded.config.headers = {"Authorization": f"Bearer {token}"}
    return loaded


def test_the_api_never_answers_with_a_server_error(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def never_a_server_error(case):
            case.call_and_validate(checks=[not_a_server_error])

        never_a_server_error()
