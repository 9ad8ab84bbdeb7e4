"""Issue 10, finding 1 in a real browser: an employee uploads a valid PNG named ``struk.html``
whose text chunk holds a script that would verify the employee's own purchase with the
verifier's session. The verifier opens the receipt: the script must not run, the purchase
stays unverified."""

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, login
from tests.factories import verified_merchant

from .payloads import SCRIPT_MARKER, png_with_script

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Run in the app's origin, this would read the CSRF cookie and post the verify action for the
# purchase whose receipt is open (its id is in the receipt URL /nota/<id>/).
ATTACK = (
    f"alert('{SCRIPT_MARKER}');console.log('{SCRIPT_MARKER}');document.title='{SCRIPT_MARKER}';"
    "var id=location.pathname.split('/')[2];"
    "var t=(document.cookie.match(/csrftoken=([^;]+)/)||[])[1];"
    "fetch('/desk/purchases/purchase/'+id+'/workflow/',{method:'POST',credentials:'include',"
    "headers:{'Content-Type':'application/x-www-form-urlencoded','X-CSRFToken':t},"
    "body:'csrfmiddlewaretoken='+t+'&wf_action=verify&wf_state=merchant_confirmed'});"
)


def test_receipt_script_does_not_run_for_the_verifier(ref, open_page, verifier, employee_user):
    from ebakul.purchases.models import Purchase

    shop = verified_merchant(business_name="Warung Uji")

    # The employee records a purchase with the crafted receipt.
    employee = open_page(PHONE)
    login(employee, employee_user.username)
    employee.goto(f"/pegawai/belanja/baru/?merchant={shop.pk}")
    employee.get_by_label("Foto nota").set_input_files(
        {"name": "struk.html", "mimeType": "text/html", "buffer": png_with_script(ATTACK)}
    )
    employee.get_by_label("Jumlah yang dibayar (Rp)").fill("85.000")
    employee.get_by_role("button", name="Lanjut ke ringkasan").click()
    employee.get_by_role("button", name="Kirim", exact=True).click()
    employee.wait_for_load_state()
    purchase = Purchase.objects.get(merchant=shop)
    assert purchase.status == "submitted"
    assert purchase.receipt.name.endswith(".png")
    # The merchant confirmed it: the next step is the verifier's.
    Purchase.objects.filter(pk=purchase.pk).update(status="merchant_confirmed")

    # The verifier opens the receipt.
    desk = open_page(DESKTOP)
    login(desk, verifier.username)
    dialogs, console = [], []
    desk.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    desk.on("console", lambda m: console.append(m.text))
    response = desk.goto(f"/nota/{purchase.pk}/")
    assert response.status == 200
    desk.wait_for_timeout(1500)  # time for a script (and its fetch) to have run

    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"
    assert SCRIPT_MARKER not in dialogs and SCRIPT_MARKER not in console
    assert desk.title() != SCRIPT_MARKER
    assert response.headers["content-type"] == "image/png"
    assert desk.evaluate("document.contentType") == "image/png"
