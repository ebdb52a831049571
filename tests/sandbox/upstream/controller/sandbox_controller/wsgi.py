"""gunicorn's application: upstream's `deis.wsgi.application` (controller/deis/wsgi.py, which also sets
DJANGO_SETTINGS_MODULE=deis.settings), with `api.models.publish_release` replaced by the recorder before the
first request."""
from deis.wsgi import application  # noqa: F401  pylint: disable=unused-import
from sandbox_controller import recorder

recorder.install()
