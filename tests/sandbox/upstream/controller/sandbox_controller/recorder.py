# -*- coding: utf-8 -*-
"""The publish step of the upstream controller, replaced by a recorder (Python 2.7, in the image).

Every new release calls `api.models.publish_release` (deis/deis v1.12.3
controller/api/models.py:889, v1.13.4 :912, v1.7.3 :750).  Upstream's own tests replace exactly
that name (`@mock.patch('api.models.publish_release', ...)`, v1.12.3
controller/api/tests/test_build.py:20); `install()` does the same, with a function that does
what the version's publish does against v1-protocol registries over HTTP (no Docker daemon
here), waits the configured pull time, and appends one JSON line per call to the records file.

* v1.12+ (`registry/dockerclient.py`): the controller node's Docker daemon pulls the source
  image from the registry named in it (`deis pull`) or from the cluster's registry (git-push
  builds, `deis_registry`), builds an ENV layer over it and pushes `<app>:v<N>` to the cluster's
  registry.  A pull that finds nothing reaches docker-py as an error chunk in the stream, so
  `log_output` raises `DockerException` (dockerclient.py:102-108) - not an EnvironmentError, so
  `Release.new` does not swallow it (models.py:872-877) and the view answers Django's 500 page.
* v1.7-v1.11 (`registry/private.py`): `Release.publish` has already asked the cluster's registry
  to import a `deis pull` image (models.py:733-749, the deis-v1-lts registry's
  `POST /v1/repositories/<app>/tags`, tags.py:376-407); `publish_release` then reads the tag from
  the cluster's registry and raises `RuntimeError("GET Image Error (...)")` when it is missing
  (private.py:104-110), which `BaseDeisViewSet.create` answers with 503 (v1.7.3 api/views.py:65-70).
  The recorder calls upstream's own `registry.private.publish_release` for this.

Either way the Build row (saved by the serializer before `post_save`) and the Release row
(`Release.objects.create` before `publish`, models.py:869-871 in v1.12.3) stay: no transaction
wraps the request (no ATOMIC_REQUESTS, DRF 3.0.5 CreateModelMixin saves directly).
"""
from __future__ import unicode_literals

import datetime
import json
import os
import threading
import time
import uuid

from django.conf import settings
import docker.errors
import docker.utils

from sandbox_controller import v1registry

RECORDS_FILE = "publish-records.jsonl"
_write_lock = threading.Lock()


class Recorder(object):
    """Appends one JSON line per publish call to DATA_DIR/publish-records.jsonl."""

    def __init__(self, data_dir, delay):
        self.path = os.path.join(data_dir, RECORDS_FILE)
        self.delay = delay

    def write(self, record):
        line = json.dumps(record, sort_keys=True, ensure_ascii=True) + "\n"
        with _write_lock:
            with open(self.path, "a") as handle:
                handle.write(line)


def _target_fields(target):
    """App and release version of a target `<app>:v<N>` (Release.image, models.py:855-857)."""
    name, tag = docker.utils.parse_repository_tag(target)
    version = int(tag[1:]) if tag and tag.startswith("v") and tag[1:].isdigit() else None
    return name, version


def _now():
    return datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _cluster_registry():
    """host:port of the cluster's own registry (dockerclient.py:23), or None when the sandbox runs none."""
    if not settings.REGISTRY_HOST:
        return None
    return "{}:{}".format(settings.REGISTRY_HOST, settings.REGISTRY_PORT)


def _error_chunk(message):
    """A pull/build/push failure as the Docker daemon streams it (streamformatter FormatError),
    which docker-py's caller turns into DockerException(chunk) (dockerclient.py:107-108)."""
    return json.dumps({"errorDetail": {"message": message}, "error": message})


def _pull(repository, tag):
    """What a docker 1.9 daemon's v1 pull does before it downloads (docker 1.9.1 graph/pull_v1.go
    v1Puller.pullRepository): write "Pulling repository", read the repository data ("Error: image
    ... not found" on 404), then the tag ("Tag ... not found in repository ...").  Errors after that
    first write go into the 200 stream (api/server/router/local/image.go postImagesCreate).
    Returns the image lineage, base first."""
    host, remote = v1registry.registry_of(repository)
    if host is None:
        # A Docker Hub name: the daemon asks index.docker.io, which this machine cannot reach.
        raise docker.errors.DockerException(_error_chunk(
            "Error while pulling image: Get https://index.docker.io/v1/repositories/{}/images: "
            "dial tcp: lookup index.docker.io: no such host".format(remote)))
    source = v1registry.V1Registry(host)
    try:
        if source.repository_images(remote) is None:
            raise docker.errors.DockerException(_error_chunk(
                "Error: image {} not found".format("{}:{}".format(remote, tag) if tag else remote)))
        if tag is None:
            # docker-py pull(tag=None) pulls every tag (dockerclient.py:73); FROM then means latest.
            tag = "latest"
        image_id = source.tag(remote, tag)
        if image_id is None:
            raise docker.errors.DockerException(_error_chunk(
                "Tag {} not found in repository {}/{}".format(tag, host, remote)))
        return v1registry.pull(source, image_id)
    except v1registry.RegistryError as error:
        # Unreachable registry: docker 1.9 has written "Pulling repository" already, so the error
        # arrives in the stream as well.  Not checked: docker 1.8 (graph/pull.go) resolves the
        # endpoint before its first write; an error there would be an HTTP error, docker-py's
        # APIError, an IOError that Release.new swallows.
        raise docker.errors.DockerException(_error_chunk("Error while pulling image: {}".format(error)))


def _env_layer(lineage, config):
    """The "last-mile" image `FROM source\\nENV ...` (dockerclient.py:55-66): a new image over the
    source with the config as environment; its layer is empty."""
    base = json.loads(lineage[-1][1].decode("utf-8"))
    env = [entry for entry in (base.get("config") or {}).get("Env") or []
           if entry.split("=", 1)[0] not in config]
    env += ["{}={}".format(key, value) for key, value in sorted(config.items())]
    image_id = uuid.uuid4().hex * 2
    image = dict(base, id=image_id, parent=base["id"], created=_now())
    image["config"] = dict(base.get("config") or {}, Env=env)
    image["container_config"] = dict(image["config"], Cmd=["/bin/sh", "-c", "#(nop) ENV " + " ".join(env)])
    layer = v1registry.layer_tar({})
    return image_id, json.dumps(image, sort_keys=True).encode("utf-8"), layer


def publish_with_docker(recorder):
    """publish_release(source, config, target, deis_registry) of v1.12+ (dockerclient.py:117-120)."""
    from registry.dockerclient import check_blacklist, strip_prefix

    def publish_release(source, config, target, deis_registry):
        started = time.time()
        app, version = _target_fields(target)
        record = {"time": _now(), "app": app, "version": version, "source": source, "target": target,
                  "deis_registry": bool(deis_registry), "pulled": None, "pushed": None}
        try:
            src_name, src_tag = docker.utils.parse_repository_tag(source)   # dockerclient.py:28
            name, tag = docker.utils.parse_repository_tag(target)           # dockerclient.py:30
            name = strip_prefix(name)                                        # dockerclient.py:33
            cluster = _cluster_registry()
            repo = "{}/{}".format(cluster, src_name) if deis_registry else src_name  # dockerclient.py:38-41
            check_blacklist(repo)                                            # dockerclient.py:70
            record["pulled"] = "{}:{}".format(repo, src_tag) if src_tag else repo
            lineage = _pull(repo, src_tag)                                   # dockerclient.py:42
            time.sleep(recorder.delay)  # stands in for the layer downloads of a real pull
            config.update({"DEIS_APP": name, "DEIS_RELEASE": tag})           # dockerclient.py:49
            check_blacklist(name)                                            # dockerclient.py:57
            if cluster:
                # build + push "{registry}/{name}:{tag}" (dockerclient.py:50, 53, 76-80)
                v1registry.V1Registry(cluster).push(name, tag, lineage + [_env_layer(lineage, config)])
                record["pushed"] = "{}/{}:{}".format(cluster, name, tag)
            record["outcome"] = "ok"
        except v1registry.RegistryError as error:
            record.update(outcome="failed", error="push: {}".format(error))
            raise docker.errors.DockerException(_error_chunk(str(error)))
        except Exception as error:
            record.update(outcome="failed", error=str(error))
            raise
        finally:
            record["seconds"] = round(time.time() - started, 3)
            recorder.write(record)
    return publish_release


def publish_through_registry(recorder):
    """publish_release(source, config, target) of v1.7-v1.11: upstream's registry.private."""
    from registry import private

    def publish_release(source, config, target):
        started = time.time()
        app, version = _target_fields(target)
        record = {"time": _now(), "app": app, "version": version, "source": source, "target": target,
                  "pulled": _imported_image(app, version), "pushed": None}
        try:
            time.sleep(recorder.delay)  # stands in for the import the registry just did
            private.publish_release(source, config, target)
            record["pushed"] = "{}/{}".format(_cluster_registry(), target)
            record["outcome"] = "ok"
        except Exception as error:
            record.update(outcome="failed", error=str(error))
            raise
        finally:
            record["seconds"] = round(time.time() - started, 3)
            recorder.write(record)
    return publish_release


def _imported_image(app, version):
    """The image the cluster's registry was asked to import for this release (models.py:733-743
    of v1.7.3: the build's image when it has no git sha), else None."""
    from api.models import Release
    release = Release.objects.filter(app__id=app, version=version).select_related("build").first()
    if release is None or release.build is None or release.build.sha:
        return None
    return release.build.image


def uses_docker_client():
    """v1.12.0 replaced registry/private.py by registry/dockerclient.py (deis/deis tree at the tags)."""
    import deis
    major, minor = [int(part) for part in deis.__version__.split(".")[:2]]
    return (major, minor) >= (1, 12)


def install():
    """Replace api.models.publish_release (the seam of upstream's tests) with the recorder."""
    import api.models
    recorder = Recorder(os.environ["DEIS_SANDBOX_DATA"], float(os.environ.get("DEIS_SANDBOX_PUBLISH_DELAY") or 0))
    if uses_docker_client():
        api.models.publish_release = publish_with_docker(recorder)
    else:
        api.models.publish_release = publish_through_registry(recorder)
