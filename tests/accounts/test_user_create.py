"""Usernames are unique regardless of case, enforced by the service (the portal's registration
form only mirrors the rule for its message)."""

import pytest
from django.core.exceptions import ValidationError

from ebakul.accounts import roles
from ebakul.accounts.models import User
from ebakul.accounts.services import user_create

pytestmark = pytest.mark.django_db


def test_the_service_refuses_a_username_taken_in_another_case():
    user_create(username="Toko.Sari", password="tahu-campur-2026", role=roles.MERCHANT)
    for other in ("toko.sari", "TOKO.SARI", "Toko.Sari"):
        with pytest.raises(ValidationError) as exc:
            user_create(username=other, password="tahu-campur-2026", role=roles.MERCHANT)
        assert exc.value.error_dict["username"][0].code == "username_taken"
        assert "sudah dipakai" in str(exc.value.message_dict["username"][0]).lower() or (
            "already taken" in str(exc.value.message_dict["username"][0])
        )
    assert User.objects.filter(username__iexact="toko.sari").count() == 1
    user_create(username="toko.sari2", password="tahu-campur-2026", role=roles.MERCHANT)
