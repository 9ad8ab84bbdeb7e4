"""Browser check (Chromium, 1440×900) of the consumption map on vendored Leaflet and of the
workflow diagram (ADR 0150, 0152); screenshots go to test-artifacts/screenshots (not committed).
No request leaves the live server, and the page reports no CSP violation."""

from decimal import Decimal

from django.urls import reverse

from ebakul.core.periods import current_period

from .conftest import login, shot

WIDE = {"width": 1440, "height": 900}


def _watch(page, live_url):
    outside, errors = [], []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_url, "data:")) else None,
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return outside, errors


def test_map_and_workflow_diagram_in_the_browser(ref, open_page, admin_user, live_server):
    from ebakul.merchants.models import Kecamatan
    from ebakul.workflow.models import WorkflowDefinition
    from tests.factories import EmployeeFactory, PurchaseFactory, verified_merchant

    kec = list(Kecamatan.objects.order_by("name")[:3])
    spots = [("-7.150000", "111.880000"), ("-7.250000", "111.700000"), ("-7.100000", "112.000000")]
    employee = EmployeeFactory()
    for i, (k, (lat, lng)) in enumerate(zip(kec, spots, strict=True)):
        shop = verified_merchant(
            business_name=f"Toko Peta {i}",
            kecamatan=k,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
        )
        for _n in range(i + 1):
            PurchaseFactory(employee=employee, merchant=shop, amount=150_000, status="verified")

    page = open_page(WIDE)
    outside, errors = _watch(page, live_server.url)
    login(page, admin_user.username)
    page.goto(reverse("reports:report", args=["consumption-map"]) + f"?period={current_period()}")
    page.wait_for_selector("#consumption-map .leaflet-interactive")
    assert page.locator("#consumption-map path.leaflet-interactive").count() == 6  # 3 + 3
    frame = page.locator("#consumption-map").bounding_box()
    for circle in page.locator("#consumption-map path.leaflet-interactive").all():
        b = circle.bounding_box()
        assert b and frame["x"] <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= b["y"] and b["y"] + b["height"] <= frame["y"] + frame["height"]
    assert page.get_by_text("Bulan berjalan").count() == 1
    # the heat table is still below the map
    assert page.locator("#report-chart").count() == 1
    shot(page, "w13c-consumption-map")

    definition = WorkflowDefinition.objects.get(document_type="purchases.purchase")
    page.goto(reverse("admin:workflow_workflowdefinition_change", args=[definition.pk]))
    diagram = page.locator("#workflow-diagram svg")
    diagram.wait_for()
    assert diagram.locator("g.wf-state").count() == definition.states.count()
    box = diagram.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    shot(page, "w13c-workflow-diagram")
    page.click("a[data-step='status']")
    page.wait_for_selector("input[name='states-TOTAL_FORMS']", state="attached")
    height = page.evaluate("document.body.scrollHeight")
    shot(page, "w13c-workflow-states")
    assert height < 4000, height

    assert not outside, outside
    assert not [e for e in errors if "Content Security Policy" in e], errors
