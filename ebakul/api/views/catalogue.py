"""The public catalogue for the regency's other channels (issue 17): read-only, scope
``catalogue:read``, cursor pages, ordered by relevance when ``q`` is given (docs/adr/0403)."""

import base64
import binascii
import json
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from ebakul.api.models import SCOPE_CATALOGUE_READ
from ebakul.marketplace.selectors import search_listings
from ebakul.merchants.models import Kecamatan

from .base import COMMON_ERRORS, ApiView, problem

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_RELEVANCE_RESULTS = 1000
MSG_PAGE_SIZE = _("page_size must be a whole number from 1 to %(max)d.")
MSG_BAD_CURSOR = _("Invalid cursor: use the next link of the previous page.")
MSG_BAD_KECAMATAN = _("Unknown kecamatan.")


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    merchant_nib = serializers.CharField()
    merchant_name = serializers.CharField()
    price = serializers.IntegerField(allow_null=True, help_text="Rupiah; null: price on request.")
    unit = serializers.CharField()
    category = serializers.CharField(help_text="Category code.")
    kecamatan = serializers.CharField()


class ProductPageSerializer(serializers.Serializer):
    results = ProductSerializer(many=True)
    next = serializers.URLField(allow_null=True)


def _encode(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise exceptions.ValidationError({"cursor": [MSG_BAD_CURSOR]}) from exc
    if not isinstance(payload, dict) or not all(
        isinstance(v, int) and v >= 0 for v in payload.values()
    ):
        raise exceptions.ValidationError({"cursor": [MSG_BAD_CURSOR]})
    return payload


def _page_size(raw: str) -> int:
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise exceptions.ValidationError({"page_size": [MSG_PAGE_SIZE % {"max": MAX_PAGE_SIZE}]})
    return int(raw)


def _row(item) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "merchant_nib": item.merchant.nib,
        "merchant_name": item.merchant.business_name,
        "price": item.price,
        "unit": item.unit,
        "category": item.category.code,
        "kecamatan": item.merchant.kecamatan.name,
    }


class ProductListView(ApiView):
    required_scope = SCOPE_CATALOGUE_READ

    @extend_schema(
        operation_id="catalogue_products",
        summary="Products and services of verified local businesses",
        description=(
            "Only listings shown to employees (verified merchants, not hidden, available). With "
            "`q`: the same Indonesian-aware search as the portal, most relevant first (at most "
            f"{MAX_RELEVANCE_RESULTS} results); without: by id. Follow `next` until it is null."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words to search for."),
            OpenApiParameter("category", OpenApiTypes.STR, description="Category code."),
            OpenApiParameter("kecamatan", OpenApiTypes.STR, description="Kecamatan name."),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"1 to {MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}.",
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From the `next` link."),
        ],
        responses={
            200: ProductPageSerializer,
            400: problem("Malformed page size, cursor or unknown kecamatan.", validation=True),
            **COMMON_ERRORS,
        },
        tags=["catalogue"],
    )
    def get(self, request):
        params = request.query_params
        size = _page_size(params.get("page_size", str(DEFAULT_PAGE_SIZE)))
        cursor = _decode(params["cursor"]) if params.get("cursor") else {}
        q = (params.get("q") or "")[:100].strip()
        kecamatan_id = None
        if params.get("kecamatan"):
            kecamatan_id = (
                Kecamatan.objects.filter(name__iexact=params["kecamatan"].strip())
                .values_list("pk", flat=True)
                .first()
            )
            if kecamatan_id is None:
                raise exceptions.ValidationError({"kecamatan": [MSG_BAD_KECAMATAN]})
        qs = search_listings(
            q=q, category=(params.get("category") or "").strip(), kecamatan_id=kecamatan_id
        )
        if q:
            offset = cursor.get("offset", 0)
            end = min(offset + size, MAX_RELEVANCE_RESULTS)
            items = list(qs[offset : end + 1]) if offset < end else []
            more = len(items) > end - offset and end < MAX_RELEVANCE_RESULTS
            items = items[: end - offset]
            nxt = {"offset": end}
        else:
            qs = qs.order_by("pk").filter(pk__gt=cursor.get("after", 0))
            items = list(qs[: size + 1])
            more = len(items) > size
            items = items[:size]
            nxt = {"after": items[-1].pk} if items else {}
        url = None
        if more:
            url = replace_query_param(request.build_absolute_uri(), "cursor", _encode(nxt))
        return Response({"results": [_row(i) for i in items], "next": url})
