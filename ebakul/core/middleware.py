"""Language selection: Indonesian first (see docs/adr/0070-indonesian-first.md)."""


class IndonesianFirstMiddleware:
    """Ignore the browser's Accept-Language so every page is in Bahasa Indonesia until the user
    picks English with the language switch (stored in the language cookie).

    Many civil servants' phones are set to English; the programme speaks Indonesian to them
    unless they ask otherwise. Placed before django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class BodyLimitMiddleware:
    """Answers 413 before the body is read when ``CONTENT_LENGTH`` is above the limit of the
    path (``EBAKUL["BODY_LIMITS"]``: the first matching prefix wins), and when the upload handler
    (``ebakul.core.uploads.UploadLimitHandler``) stopped reading a too large file. Under ``/api/``
    the answer is problem+json, elsewhere a short page. See docs/adr/0082-body-limits.md."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def limit_for(path: str) -> int:
        from django.conf import settings

        for prefix, limit in settings.EBAKUL["BODY_LIMITS"]:
            if path.startswith(prefix):
                return int(limit)
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.limit_for(request.path_info)
        if length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 -- parse now (CSRF would) to know the handler's verdict
            except OSError:
                return None  # a broken upload: left to CSRF and the view, as before
            if getattr(request, "upload_too_large", False):
                from ebakul.core.uploads import upload_max_bytes

                return self.too_large(request, upload_max_bytes())
        return None

    @staticmethod
    def too_large(request, limit: int):
        from django.http import HttpResponse, JsonResponse
        from django.template.defaultfilters import filesizeformat
        from django.utils.html import format_html
        from django.utils.translation import gettext as _

        from ebakul.core.uploads import MSG_UPLOAD_BODY_TOO_LARGE

        detail = str(MSG_UPLOAD_BODY_TOO_LARGE) % {"max": filesizeformat(limit)}
        if request.path_info.startswith("/api/"):
            body = {
                "type": "urn:ebakul:problem:payload-too-large",
                "title": _("Request too large"),
                "status": 413,
                "detail": detail,
            }
            response = JsonResponse(body, status=413, content_type="application/problem+json")
        else:
            title = _("Request too large")
            response = HttpResponse(
                format_html(
                    '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width, initial-scale=1">'
                    "<title>{}</title></head><body><h1>{}</h1><p>{}</p></body></html>",
                    request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "id",
                    title,
                    title,
                    detail,
                ),
                status=413,
                content_type="text/html; charset=utf-8",
            )
        return response
