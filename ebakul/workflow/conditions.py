"""The fixed registry of safe transition conditions. Administrators choose a predicate by code and
give its parameters as JSON; nothing they type is ever evaluated as code."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ebakul.core.money import format_rupiah

MSG_UNKNOWN_PREDICATE = _("Unknown condition %(code)s.")
MSG_PARAMS_NOT_OBJECT = _('Parameters must be a JSON object, e.g. {"amount": 500000}.')
MSG_PARAM_MISSING = _("Parameter %(name)s is required.")
MSG_PARAM_UNKNOWN = _("Unknown parameter %(name)s.")
MSG_PARAM_INT = _("Parameter %(name)s must be a whole number of at least 0.")
MSG_PARAM_LIST = _("Parameter %(name)s must be a list of texts.")
MSG_PARAM_STR = _("Parameter %(name)s must be a text.")

# Facts other apps own, registered by them at start-up (``AppConfig.ready``), so this app never
# imports them: name -> callable(document) -> bool. A missing hook means "does not hold".
HOOKS: dict[str, Callable] = {}


def register_hook(name: str, func: Callable) -> None:
    HOOKS[name] = func


def _hook(name: str, doc) -> bool:
    func = HOOKS.get(name)
    return bool(func and func(doc))


@dataclass(frozen=True)
class Predicate:
    code: str
    label: str
    params: dict  # name -> "int" | "list" | "str"
    test: Callable
    describe: Callable


def _amount(doc) -> int | None:
    return getattr(doc, "amount", None)


def _merchant_is_verified(doc, _params) -> bool:
    # The merchants app registers the fact (``merchant_verified``); missing means "does not hold".
    return _hook("merchant_verified", doc)


def _risk_score_at_most(doc, params) -> bool:
    # A document without a risk score is not known to be low-risk: the condition fails.
    score = getattr(doc, "risk_score", None)
    return score is not None and score <= params["score"]


def _not_taken_before(doc, params) -> bool:
    from .models import WorkflowEvent

    return not WorkflowEvent.objects.filter(
        document_type=f"{doc._meta.app_label}.{doc._meta.model_name}",
        object_id=doc.pk,
        action=params["action"],
    ).exists()


PREDICATES: dict[str, Predicate] = {
    p.code: p
    for p in (
        Predicate(
            "amount_at_most",
            _("Amount at most"),
            {"amount": "int"},
            lambda doc, p: _amount(doc) is not None and _amount(doc) <= p["amount"],
            lambda p: _("amount at most %(amount)s") % {"amount": format_rupiah(p["amount"])},
        ),
        Predicate(
            "amount_at_least",
            _("Amount at least"),
            {"amount": "int"},
            lambda doc, p: _amount(doc) is not None and _amount(doc) >= p["amount"],
            lambda p: _("amount at least %(amount)s") % {"amount": format_rupiah(p["amount"])},
        ),
        Predicate(
            "merchant_is_verified",
            _("Merchant is verified"),
            {},
            _merchant_is_verified,
            lambda p: _("the merchant is verified"),
        ),
        Predicate(
            "risk_score_at_most",
            _("Risk score at most"),
            {"score": "int"},
            _risk_score_at_most,
            lambda p: _("risk score at most %(score)s") % {"score": p["score"]},
        ),
        Predicate(
            "payment_method_in",
            _("Payment method is one of"),
            {"methods": "list"},
            lambda doc, p: getattr(doc, "payment_method", None) in p["methods"],
            lambda p: (
                _("payment method is one of %(methods)s") % {"methods": ", ".join(p["methods"])}
            ),
        ),
        Predicate(
            "appeal_window_open",
            _("The period's appeal window is open"),
            {},
            lambda doc, p: _hook("appeal_window_open", doc),
            lambda p: _("the appeal window of the purchase's period is still open"),
        ),
        Predicate(
            "not_taken_before",
            _("Action not taken before on this document"),
            {"action": "str"},
            _not_taken_before,
            lambda p: _("the action was not taken on this document before"),
        ),
    )
}


def choices() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in PREDICATES.values()]


def validate_params(code: str, params) -> None:
    predicate = PREDICATES.get(code)
    if predicate is None:
        raise ValidationError({"predicate": MSG_UNKNOWN_PREDICATE % {"code": code}})
    if not isinstance(params, dict):
        raise ValidationError({"params": MSG_PARAMS_NOT_OBJECT})
    errors = []
    for name in params:
        if name not in predicate.params:
            errors.append(MSG_PARAM_UNKNOWN % {"name": name})
    for name, kind in predicate.params.items():
        if name not in params:
            errors.append(MSG_PARAM_MISSING % {"name": name})
            continue
        value = params[name]
        if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors.append(MSG_PARAM_INT % {"name": name})
        if kind == "str" and not (isinstance(value, str) and value):
            errors.append(MSG_PARAM_STR % {"name": name})
        if kind == "list" and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            errors.append(MSG_PARAM_LIST % {"name": name})
    if errors:
        raise ValidationError({"params": errors})


def holds(code: str, params: dict, document) -> bool:
    predicate = PREDICATES.get(code)
    if predicate is None:
        return False
    try:
        validate_params(code, params)
    except ValidationError:
        return False  # a broken condition never lets an action through
    return bool(predicate.test(document, params))


def describe(code: str, params) -> str:
    predicate = PREDICATES.get(code)
    if predicate is None:
        return code
    try:
        validate_params(code, params)
    except ValidationError:
        return f"{predicate.label} {params}"
    return str(predicate.describe(params))
