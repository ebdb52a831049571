"""What the rehearsal sandbox adds to the upstream Deis v1 controller image (Python 2.7): the
WSGI entry that installs the publish recorder, and the gunicorn settings."""
