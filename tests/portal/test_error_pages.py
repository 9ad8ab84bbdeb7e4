"""Error pages speak Indonesian and show the reason a refusal carries (no Django defaults)."""

from django.test import RequestFactory

from ebakul.api.problems import handler500


def test_404_page_is_indonesian(client, ref):
    response = client.get("/tidak-ada-halaman-ini/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in html
    assert "Not Found" not in html and "requested resource" not in html


def test_403_page_shows_the_reason(client, merchant_user):
    client.force_login(merchant_user)
    response = client.get("/pegawai/")  # an employee page, refused to a merchant
    html = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in html
    assert "untuk pegawai" in html  # the access rule's own message
    assert "403 Forbidden" not in html


def test_500_page_is_indonesian_and_stands_alone(ref):
    response = handler500(RequestFactory().get("/pegawai/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan di server" in html
    assert "Server Error" not in html


def test_api_errors_stay_problem_json(client, ref):
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
