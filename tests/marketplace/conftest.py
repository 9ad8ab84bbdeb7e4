import pytest

from ebakul.accounts import roles
from ebakul.merchants.models import Kecamatan, MerchantCategory
from tests.factories import EmployeeFactory, UserFactory, verified_merchant


class World:
    """Two verified merchants with their own accounts, an employee with an account, a
    verifier, and the food category."""

    def __init__(self):
        self.food = MerchantCategory.objects.get(code="makanan-minuman")
        self.kec = Kecamatan.objects.get(name="Bojonegoro")
        self.other_kec = Kecamatan.objects.exclude(pk=self.kec.pk).order_by("name").first()
        self.seller_user = UserFactory(username="penjual-a", role=roles.MERCHANT)
        self.seller2_user = UserFactory(username="penjual-b", role=roles.MERCHANT)
        self.shop = verified_merchant(business_name="Warung Bu Sri", user=self.seller_user)
        self.shop2 = verified_merchant(
            business_name="Kedai Pak Joko", user=self.seller2_user, kecamatan=self.other_kec
        )
        self.buyer_user = UserFactory(username="pegawai-a", role=roles.EMPLOYEE)
        self.buyer = EmployeeFactory(user=self.buyer_user)
        self.verifier = UserFactory(username="verif-a", role=roles.VERIFIER)


@pytest.fixture
def world(ref):
    return World()


def listing(world, name="Nasi goreng ayam", merchant=None, actor=None, **kwargs):
    from ebakul.marketplace.services import listing_save

    merchant = merchant or world.shop
    kwargs.setdefault("price", 15_000)
    return listing_save(
        merchant=merchant,
        actor=actor or merchant.user,
        name=name,
        category=kwargs.pop("category", world.food),
        **kwargs,
    )
