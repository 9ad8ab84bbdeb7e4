from tests.api.conftest import api, etpp_client, issue_key, rw_key  # noqa: F401
