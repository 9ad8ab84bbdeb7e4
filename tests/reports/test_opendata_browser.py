"""The public open-data pages in Chromium at 360x740 (issue 17): no horizontal scrolling, no
serious or critical axe-core violation, Indonesian, anonymous; a screenshot of the month page
is kept in test-artifacts/screenshots/opendata-360.png."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import shot
from tests.e2e.test_portal_field import AXE, AXE_RUN_JS, OVERFLOW_JS

from .test_opendata import od  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL = {"width": 360, "height": 740}


def test_open_data_pages_fit_360px_and_pass_axe(open_page, od):  # noqa: F811
    page = open_page(SMALL)
    urls = [
        reverse("opendata:month", args=[od.period]),
        reverse("opendata:index"),
        reverse("opendata:fields"),
        reverse("opendata:demand", args=[od.period]),
    ]
    problems = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state()
        size = page.evaluate(OVERFLOW_JS)
        if size["scroll"] > size["width"]:
            problems.append(f"{url}: {size['scroll']}px > {size['width']}px {size['wide']}")
        page.evaluate(AXE)
        problems += [f"{url}: axe {v}" for v in page.evaluate(AXE_RUN_JS)]
        if url == urls[0]:
            assert page.locator("html").get_attribute("lang") == "id"
            assert page.get_by_role("heading", level=1).inner_text().startswith("Dampak program")
            assert page.locator("#by-cell .od-hidden").count() >= 4
            path = shot(page, "opendata-360")
            assert path.stat().st_size > 5_000
    assert not problems, "\n".join(problems)
