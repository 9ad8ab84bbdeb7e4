"""Demo data for the API: an e-TPP integration client with one key, so the e-TPP interface can
be tried at once (`curl -H "Authorization: Api-Key <key>" .../api/v1/periods/`).

The key is a fixed, printed, demo-only value (like the demo password); a real deployment creates
its keys in the desk, where each is shown once and stored hashed."""

from ebakul.core.demo_contract import DemoLogin

from .models import SCOPE_READ, SCOPE_WRITE, ApiKey, IntegrationClient
from .services import hash_key, integration_client_create

DEMO_CLIENT = "e-TPP (demo)"
DEMO_KEY_PREFIX = "demo"
DEMO_KEY = "ebk_demo_ebakul-demo-etpp-key"  # demo only, printed on screen


def seed(ctx) -> None:
    if IntegrationClient.objects.filter(name=DEMO_CLIENT).exists():
        return
    client = integration_client_create(
        name=DEMO_CLIENT, description="Demo client for the e-TPP interface (demo data only)."
    )
    ApiKey.objects.create(
        client=client,
        name="demo",
        prefix=DEMO_KEY_PREFIX,
        key_hash=hash_key(DEMO_KEY),
        scopes=sorted([SCOPE_READ, SCOPE_WRITE]),
    )
    ctx.log(f"api: integration client {DEMO_CLIENT!r} with a demo key")


def logins() -> list[DemoLogin]:
    if not ApiKey.objects.filter(prefix=DEMO_KEY_PREFIX, revoked_at__isnull=True).exists():
        return []
    return [
        DemoLogin(
            "e-TPP API", DEMO_CLIENT, DEMO_KEY, "header Authorization: Api-Key <key>", "api_key"
        )
    ]


def reset(rows, log=print) -> None:
    client = IntegrationClient.objects.filter(name=DEMO_CLIENT).first()
    if client is None:
        return
    user = client.service_user
    client.delete()
    user.delete()
    log("api: demo integration client removed")
