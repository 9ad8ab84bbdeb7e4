"""The data migration that splits ``Purchase.status_note`` into the merchant's note and the
verifier's reason (docs/adr/0111), run on the embedded default in a child process so the suite's
database is untouched: a disputed purchase keeps its note as the merchant's, a rejected one as
the verifier's reason, and a dispute note a rejection overwrote comes back from the history."""

import json

from tests.embedded import manage

BEFORE = """
from django.db import connection
rows = [
    (1, "merchant_disputed", "Tidak ada transaksi"),
    (2, "rejected", "Nota buram"),
    (3, "rejected", "Jumlah beda"),
    (4, "verified", ""),
]
T = "'2026-10-01'"
parents = [
    "INSERT INTO merchants_merchantcategory (id, created_at, updated_at, code, name, active)"
    f" VALUES (1, {T}, {T}, 'food', 'Makanan', 1)",
    "INSERT INTO merchants_kecamatan (id, created_at, updated_at, name, code)"
    f" VALUES (1, {T}, {T}, 'Padangan', '35.22.01')",
    "INSERT INTO merchants_umkmmerchant (id, created_at, updated_at, document_number,"
    " business_name, owner_name, owner_nik, nib, scale, village, address, phone, qris_nmid,"
    " is_modern_retail, status, status_note, category_id, kecamatan_id) VALUES"
    f" (1, {T}, {T}, 'EBK-UMKM-1', 'Warung', 'Sri', '3522010101900001', '1234567890123',"
    " 'micro', 'Kendal', 'Jl. 1', '0811', '', 0, 'verified', '', 1, 1)",
    "INSERT INTO employees_workunit (id, created_at, updated_at, code, name, active)"
    f" VALUES (1, {T}, {T}, 'BPKAD', 'BPKAD', 1)",
    "INSERT INTO employees_employeeclass (id, created_at, updated_at, number, name,"
    f" default_tpp_ceiling) VALUES (1, {T}, {T}, 7, 'Kelas 7', 5000000)",
    "INSERT INTO employees_employee (id, created_at, updated_at, nip, name, employee_type,"
    f" active, employee_class_id, work_unit_id) VALUES (1, {T}, {T}, '199001012015011001',"
    " 'Pegawai', 'PNS', 1, 1, 1)",
]
with connection.cursor() as c:
    for sql in parents:
        c.execute(sql)
    for pk, status, note in rows:
        c.execute(
            "INSERT INTO purchases_purchase (id, created_at, updated_at, document_number,"
            " purchased_at, period, amount, description, receipt, receipt_sha256,"
            " payment_method, qris_reference, status, status_note, category_id, employee_id,"
            " merchant_id) VALUES (%s, '2026-10-01', '2026-10-01', %s, '2026-10-01', '2026-10',"
            " 1000, '', 'x.jpg', '', 'cash', '', %s, %s, 1, 1, 1)",
            [pk, f"EBK-PUR-2026-10-{pk:05d}", status, note],
        )
    # Purchase 3 was disputed, then rejected: the rejection overwrote the dispute note.
    c.execute(
        "INSERT INTO workflow_workflowevent (document_type, object_id, from_state, to_state,"
        " action, comment, created_at) VALUES ('purchases.purchase', 3, 'submitted',"
        " 'merchant_disputed', 'dispute', 'Pembeli bukan pelanggan kami', '2026-10-02')"
    )
"""

AFTER = """
import json
from ebakul.purchases.models import Purchase
print(json.dumps({
    p.pk: [p.status, p.merchant_note, p.decision_reason]
    for p in Purchase.objects.order_by("pk")
}))
"""


def test_status_note_is_split_by_author(tmp_path):
    for args in (("migrate", "purchases", "0001"), ("migrate", "workflow", "0001")):
        result = manage(tmp_path, *args, "-v0")
        assert result.returncode == 0, (args, result.stderr[-3000:])
    result = manage(tmp_path, "shell", "-c", BEFORE)
    assert result.returncode == 0, result.stderr[-3000:]
    result = manage(tmp_path, "migrate", "-v0")
    assert result.returncode == 0, result.stderr[-3000:]
    result = manage(tmp_path, "shell", "-c", AFTER)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "1": ["merchant_disputed", "Tidak ada transaksi", ""],
        "2": ["rejected", "", "Nota buram"],
        "3": ["rejected", "Pembeli bukan pelanggan kami", "Jumlah beda"],
        "4": ["verified", "", ""],
    }
