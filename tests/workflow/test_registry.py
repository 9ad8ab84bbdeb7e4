"""Document types register with the engine (docs/adr/0120): a missing registration or a missing
required hook is an error at start-up and at the first transition, never a silent pass; the
compliance app's locked-period guard cannot be switched off by an import error."""

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ebakul.compliance.models import PeriodStatus
from ebakul.compliance.selectors import period_get_or_create
from ebakul.core.errors import PeriodLockedError
from ebakul.purchases.workflow import PERIOD_GUARD
from ebakul.workflow import documents, registry
from ebakul.workflow import services as wf
from ebakul.workflow.checks import check_document_registry
from ebakul.workflow.models import DocumentType


def test_every_document_type_is_registered_with_its_required_hooks():
    assert check_document_registry() == []
    assert set(DocumentType.values) <= set(registry._SPECS)
    assert PERIOD_GUARD in registry.spec_for(DocumentType.PURCHASE).required_hooks


def test_a_document_type_without_a_registration_fails_loudly(world, monkeypatch):
    purchase = world.purchase(status="merchant_confirmed")
    monkeypatch.delitem(registry._SPECS, DocumentType.PURCHASE)

    errors = check_document_registry()
    assert [e.id for e in errors] == ["workflow.E001"]
    assert "purchases.purchase" in errors[0].msg
    with pytest.raises(ImproperlyConfigured):
        documents.before_transition(purchase, "verify")
    with pytest.raises(ImproperlyConfigured):
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"


def test_without_the_period_guard_no_purchase_moves(world, monkeypatch):
    purchase = world.purchase(status="merchant_confirmed")
    monkeypatch.setitem(registry._BEFORE, DocumentType.PURCHASE, [])

    errors = check_document_registry()
    assert [e.id for e in errors] == ["workflow.E001"]
    assert PERIOD_GUARD in errors[0].msg
    with pytest.raises(ImproperlyConfigured):
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"
    # Merchants require no guard: their transitions are untouched.
    merchant = world.merchant(status="submitted")
    assert wf.apply_action(document=merchant, action="verify", actor=world.verifier)


def test_the_guard_survives_a_broken_compliance_import(world, monkeypatch):
    purchase = world.purchase(status="merchant_confirmed")
    period = period_get_or_create(purchase.period)
    period.status = PeriodStatus.LOCKED
    period.save(update_fields=["status"])
    # From here on, importing the compliance services raises ImportError.
    monkeypatch.setitem(sys.modules, "ebakul.compliance.services", None)
    with pytest.raises(ImportError):
        __import__("ebakul.compliance.services")

    with pytest.raises(PeriodLockedError):
        wf.apply_action(document=purchase, action="verify", actor=world.verifier)
    purchase.refresh_from_db()
    assert purchase.status == "merchant_confirmed"


def test_registering_a_document_type_twice_is_refused():
    spec = registry.spec_for(DocumentType.MERCHANT)
    registry.register(spec)  # the same spec again (``ready`` may run twice): accepted
    clone = registry.DocumentSpec(**{**spec.__dict__})
    with pytest.raises(ImproperlyConfigured):
        registry.register(clone)
