"""The contract between the demo app (``ebakul.demo``, the top layer) and the per-app demo hooks
``ebakul/<app>/demo.py`` (docs/adr/0005, 0122). A hook never imports the demo app: it gets what
it needs as arguments, and returns the plain rows defined here."""

from dataclasses import dataclass


@dataclass
class DemoLogin:
    """A login printed after seeding (returned by a hook's ``logins()``)."""

    role: str
    username: str
    password: str
    note: str = ""
    kind: str = "password"  # or "api_key": ``password`` is then the key
