"""Signals of the purchases app, for the layers above it (which purchases never imports).

``receipt_stored`` is sent inside the write's transaction whenever a purchase's receipt is stored
(a new purchase, or a replaced receipt on a draft), with ``purchase``. Receivers start their work
with ``ebakul.core.dispatch.dispatch`` so it runs after the commit and the upload answers at once
(OCR, fingerprints: issue 15)."""

from django.dispatch import Signal

receipt_stored = Signal()
