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
