import os

from django.core.wsgi import get_wsgi_application

# A server runs the production settings unless told otherwise (scripts/run.sh says so too).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebakul.settings.production")
application = get_wsgi_application()
