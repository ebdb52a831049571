"""What the migration scenarios' tests share: the rehearsal's vars and accounts, both controllers read directly (not
through their fault proxies, so that verifying is not disturbed by the faults of the run), an app read in full."""
import concurrent.futures
import json
import os

from sandbox_helpers import sandbox_status

from deis_sandbox import deisapi, migration, upstream  # on sys.path through sandbox_helpers


class Rehearsal:
    """The rehearsal of `sandbox up --apps N`: its status, vars, accounts and the two controllers as admin."""

    def __init__(self):
        self.status = sandbox_status()["migration"]
        self.vars = migration.read_vars(self.status["vars_file"])
        with open(self.status["credentials_file"], encoding="utf-8") as handle:
            self.credentials = json.load(handle)
        self.old = deisapi.Controller(self.status["old_controller"]["backend"]).login("admin", self.credentials["old"]["admin"])
        self.new = deisapi.Controller(self.status["new_controller"]["backend"]).login("admin", self.credentials["new"]["admin"])

    def records(self, side="new"):
        """The publish recorder's records of a controller, oldest first."""
        return upstream.records(self.status[side + "_controller"]["data_dir"])

    def proxy_log(self, side):
        with open(self.status[side + "_controller"]["proxy_log"], encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


def read_app(controller, app):
    """Everything the migration carries over, as the controller holds it."""
    info = controller.app(app)
    config = controller.config(app)
    return {"id": app, "owner": info["owner"], "structure": {kind: count for kind, count in info["structure"].items() if count},
            "values": config["values"], "memory": config["memory"], "cpu": config["cpu"], "tags": config["tags"],
            "domains": sorted(controller.domains(app)), "perms": sorted(controller.perms(app)),
            "builds": controller.builds(app), "releases": [release["version"] for release in controller.releases(app)]}


def read_apps(controller, apps=None, threads=8):
    """{app: read_app} of every app the controller lists (or of APPS)."""
    apps = apps if apps is not None else [app["id"] for app in controller.apps()]
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return dict(zip(apps, pool.map(lambda app: read_app(controller, app), apps)))


def report(path):
    with open(os.path.join(path, "report.json"), encoding="utf-8") as handle:
        return json.load(handle)
