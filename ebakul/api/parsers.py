"""The API's JSON parser: DRF's, plus a bound on nesting. A deeply nested body makes Python's
``json`` raise ``RecursionError`` (a 500 without this), and a body just under that limit would
still reach code that walks it recursively. Both are answered 400 problem+json instead."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No request body of the API nests deeper than a few levels; 32 leaves ample room.
MAX_JSON_DEPTH = 32
MSG_JSON_TOO_DEEP = _("The JSON body is nested too deeply (at most %(max)d levels).")


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether ``data`` nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(MSG_JSON_TOO_DEEP % {"max": MAX_JSON_DEPTH}) from exc
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(MSG_JSON_TOO_DEEP % {"max": MAX_JSON_DEPTH})
        return data
