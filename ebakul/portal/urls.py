from django.urls import path

from . import views_common as common
from . import views_employee as employee
from . import views_merchant as merchant

app_name = "portal"

urlpatterns = [
    path("", common.home, name="home"),
    # Installable web app (ADR 0162): public, no personal data.
    path("sw.js", common.service_worker, name="service_worker"),
    path("manifest.webmanifest", common.manifest, name="manifest"),
    path("offline/", common.offline, name="offline"),
    # Accounts
    path("masuk/", common.LoginView.as_view(), name="login"),
    path("keluar/", common.auth_views.LogoutView.as_view(), name="logout"),
    path("ganti-sandi/", common.PasswordChangeView.as_view(), name="password_change"),
    path(
        "ganti-sandi/selesai/",
        common.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("lupa-sandi/", common.PasswordResetView.as_view(), name="password_reset"),
    path("lupa-sandi/kode/", common.password_reset_code, name="password_reset_code"),
    path(
        "lupa-sandi/terkirim/", common.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "lupa-sandi/<uidb64>/<token>/",
        common.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "lupa-sandi/selesai/",
        common.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifikasi/", common.notifications, name="notifications"),
    path("notifikasi/<int:pk>/baca/", common.notification_read, name="notification_read"),
    path("notifikasi/baca-semua/", common.notifications_read_all, name="notifications_read_all"),
    path("nota/<int:pk>/", common.receipt, name="receipt"),
    path("sanggahan/<int:pk>/bukti/", common.appeal_evidence, name="appeal_evidence"),
    path("nota/<int:pk>/bukti-tinjau-ulang/", common.contest_evidence, name="contest_evidence"),
    # Employee self-service
    path("pegawai/", employee.employee_home, name="employee_home"),
    path("pegawai/belanja/pilih-usaha/", employee.merchant_pick, name="merchant_pick"),
    path("pegawai/belanja/pindai/", employee.merchant_scan, name="merchant_scan"),
    path("pegawai/belanja/baca-nota/", employee.receipt_prefill, name="receipt_prefill"),
    path("pegawai/belanja/baru/", employee.purchase_new, name="purchase_new"),
    path("pegawai/belanja/baru/foto/", employee.pending_receipt, name="pending_receipt"),
    path("pegawai/belanja/", employee.purchase_list, name="purchase_list"),
    path("pegawai/belanja/<int:pk>/", employee.purchase_detail, name="purchase_detail"),
    path("pegawai/belanja/<int:pk>/kirim/", employee.purchase_confirm, name="purchase_confirm"),
    path("pegawai/belanja/<int:pk>/ubah/", employee.purchase_edit, name="purchase_edit"),
    path("pegawai/belanja/<int:pk>/hapus/", employee.purchase_delete, name="purchase_delete"),
    path(
        "pegawai/belanja/<int:pk>/tinjau-ulang/", employee.purchase_contest, name="purchase_contest"
    ),
    path("pegawai/sanggahan/", employee.appeal, name="appeal"),
    path("pegawai/laporan/<str:period>.pdf", employee.statement, name="statement"),
    # Merchant portal
    path("usaha/daftar/", merchant.register, name="merchant_register"),
    path("usaha/", merchant.merchant_home, name="merchant_home"),
    path("usaha/data/", merchant.business, name="merchant_business"),
    path("usaha/kirim-ulang/", merchant.resubmit, name="merchant_resubmit"),
    path("usaha/penjualan/", merchant.sales, name="merchant_sales"),
    path(
        "usaha/penjualan/<int:pk>/<slug:action>/", merchant.sale_action, name="merchant_sale_action"
    ),
    path("usaha/poster/", merchant.poster, name="merchant_poster"),
    path("usaha/qris/", merchant.qris, name="merchant_qris"),
]

# The marketplace (issue 17): employee pages under /pegawai/pasar/, merchant pages under /usaha/.
from . import views_market as market  # noqa: E402

urlpatterns += [
    path("pegawai/pasar/", market.search, name="market_search"),
    path("pegawai/pasar/usaha/<int:pk>/", market.merchant_page, name="market_merchant"),
    path("pegawai/pasar/keranjang/", market.cart, name="market_cart"),
    path("pegawai/pasar/keranjang/tambah/<int:pk>/", market.cart_add, name="market_cart_add"),
    path("pegawai/pasar/keranjang/<int:pk>/pesan/", market.cart_place, name="market_cart_place"),
    path("pegawai/pasar/pesanan/", market.orders, name="market_orders"),
    path("pegawai/pasar/pesanan/<int:pk>/", market.order_detail, name="market_order"),
    path(
        "pegawai/pasar/pesanan/<int:pk>/<slug:action>/",
        market.order_action,
        name="market_order_action",
    ),
    path("usaha/katalog/", market.catalogue, name="market_catalogue"),
    path("usaha/katalog/baru/", market.listing_edit, name="market_listing_new"),
    path("usaha/katalog/<int:pk>/ubah/", market.listing_edit, name="market_listing_edit"),
    path("usaha/toko/", market.storefront, name="market_storefront"),
    path("usaha/pesanan/", market.merchant_orders, name="market_merchant_orders"),
    path("usaha/pesanan/<int:pk>/", market.merchant_order, name="market_merchant_order"),
    path(
        "usaha/pesanan/<int:pk>/<slug:action>/",
        market.merchant_order_action,
        name="market_merchant_order_action",
    ),
]
