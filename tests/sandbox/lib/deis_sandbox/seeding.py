"""The old cluster's users and apps, created through its controller's API the way real clusters got
them (deis/deis v1.12.3 client/ and builder/ for the requests):

* users register (`deis register`, POST /v1/auth/register/; the first one is the admin) and add an
  SSH key (`deis keys:add`, POST /v1/keys/) before they git-push;
* `deis create` (POST /v1/apps/);
* `deis pull <registry>/<repository>:<tag>` (POST /v1/apps/<app>/builds/ {"image"}): the image was
  pushed to a registry first - here the old cluster's own, under acme/<app>;
* `git push deis master`: the builder's receiver calls POST /v1/hooks/push, the builder reads the
  config (POST /v1/hooks/config), builds and pushes `<cluster registry>/<app>:git-<sha[:8]>` with
  `ENV GIT_SHA <sha>` in it, then POST /v1/hooks/build {"sha": sha[:8], "receive_user",
  "receive_repo", "image": <app>, "procfile", "dockerfile"} with X-Deis-Builder-Auth = the builder
  key (builder/rootfs/etc/confd/templates/builder:45-58, 127-155, templates/receiver,
  builder/src/generate-buildhook.go);
* `deis config:set` / `config:unset` / `limits:set` / `tags:set` (POST /v1/apps/<app>/config/ with
  values, memory, cpu, tags; null unsets), `deis domains:add`, `deis perms:create`
  (POST /v1/apps/<app>/perms/ {"username"}), `deis scale` (POST /v1/apps/<app>/scale/).

Every request goes to the controller itself (not through its fault proxy).  Apps are seeded in
threads (the controller serves several at once); each app's own steps run in order.  The plan is
deterministic: the same count gives the same apps, owners, values and order of releases."""
import base64
import concurrent.futures
import hashlib
import random

from deis_sandbox import v1registry
from deis_sandbox.deisapi import ApiError

ADMIN = "admin"
OWNERS = (ADMIN, "alice", "bob", "carol")
# dave owns nothing: he only uses apps shared with him.
USERS = OWNERS + ("dave",)
FIXED_NAMES = ("happy-bandit", "api-v2", "2048-game")
ADJECTIVES = ("amber", "bold", "brisk", "calm", "dapper", "eager", "fancy", "gentle", "hidden", "jolly", "lively",
              "mellow", "nimble", "proud", "quiet", "rapid", "sunny", "tidy", "vivid", "witty")
NOUNS = ("badger", "cactus", "dolphin", "ember", "falcon", "garden", "harbor", "island", "jackal", "kettle",
         "lantern", "meadow", "nectar", "orchid", "pepper", "quartz", "river", "saddle", "tundra", "walrus")
PLAIN_VALUES = {"LOG_LEVEL": "info", "WORKERS": "4", "FEATURE_FLAGS": "beta,dark-mode", "TZ": "Europe/Berlin",
                "CACHE_TTL": "300"}
ODD_VALUES = {
    "GREETING": 'He said "hello" and left',
    "MULTILINE": "line one\nline two\n  indented line three",
    "UNICODE_TEXT": "Gr\u00fc\u00dfe aus K\u00f6ln \u2013 \u2603 \u96ea \U0001f680",
    "EQUALS_AND_SPACES": "a=b c = d  e==",
    "PADDED": "  leading and trailing spaces  ",
    "SINGLE_QUOTES": "it's 'quoted'",
    "SHELL_CHARS": "$HOME `id` $(date); echo hi && exit 1 | cat > /dev/null",
    "BACKSLASHES": "C:\\deis\\app \\n is not a newline",
    "JSON_BLOB": '{"key": "value", "list": [1, 2, 3]}',
    "EMPTY": "",
    "TABS": "col1\tcol2\tcol3",
    "DATABASE_URL": "postgres://app:p%40ss=w0rd@db.internal:5432/app?sslmode=require&x=1",
    "LONG_TOKEN": "".join("%08x" % (n * 2654435761 % 2 ** 32) for n in range(512)),
}
# What kind of app each index is, cycling: deis pull, git push (buildpack with web and worker, or a Dockerfile),
# and apps never deployed (with config and without).
KINDS = ("git", "pull", "git", "dockerfile", "pull", "git", "bare-config", "pull", "git", "bare")
GIT_PROCFILE = {"web": "node server.js", "worker": "node worker.js"}
SHARE_WITH = {ADMIN: "alice", "alice": "bob", "bob": "carol", "carol": "dave"}


def app_names(count, rng):
    names = list(FIXED_NAMES[:count])
    while len(names) < count:
        name = "%s-%s" % (rng.choice(ADJECTIVES), rng.choice(NOUNS))
        while name in names:
            name += "-%d" % len(names)
        names.append(name)
    return names


def config_change(rng, index, kind):
    """The app's first config:set / limits:set / tags:set: plain values, odd ones on every third app."""
    change = {}
    values = dict(rng.sample(sorted(PLAIN_VALUES.items()), rng.randint(1, 3)))
    if index % 3 == 0:
        values.update(rng.sample(sorted(ODD_VALUES.items()), rng.randint(4, 8)))
    change["values"] = values
    if index % 4 == 1:
        change["memory"] = {"web": "512M", "worker": "256M"} if kind == "git" else {"cmd": "1G"}
        change["cpu"] = {"web": 512} if kind == "git" else {"cmd": 256}
    if index % 5 == 2:
        change["tags"] = {"environ": "prod", "tier": "frontend"}
    return change


def follow_up(rng, values):
    """A later config:set: change one value, or config:unset one (null)."""
    key = rng.choice(sorted(values))
    return {"values": {key: None if rng.random() < 0.5 else values[key] + " (changed)"}}


def plan_app(rng, index, name, registry):
    """The steps of one app, in order: (step, argument)."""
    kind = KINDS[index % len(KINDS)]
    owner = OWNERS[index % len(OWNERS)]
    shared = SHARE_WITH[owner] if index % 3 == 1 else None
    steps = [("create", None)]
    if shared:
        steps.append(("share", shared))
    change = config_change(rng, index, kind)
    if kind == "bare-config":
        steps += [("config", change), ("config", follow_up(rng, change["values"]))]
    elif kind != "bare":
        deploys = rng.randint(1, 2)
        if index % 2 == 0:
            steps.append(("config", change))
        for number in range(deploys):
            # a collaborator pushes the second build of a shared app
            steps.append(("deploy", {"kind": kind, "number": number + 1, "user": shared if number and shared else owner}))
            if number == 0 and index % 2 == 1:
                steps.append(("config", change))
        if rng.random() < 0.5:
            steps.append(("config", follow_up(rng, change["values"])))
    if index % 3 == 1:
        steps.append(("domain", "WWW.%s.Example.COM" % name if index % 2 else "www.%s.example.test" % name))
        if index % 6 == 1:
            steps.append(("domain", "%s.Shop.example.test" % name))
    if kind in ("git", "pull", "dockerfile") and index % 2 == 0:
        scale = {"web": rng.randint(1, 3), "worker": rng.randint(0, 2)} if kind == "git" else {"cmd": rng.randint(2, 3)}
        steps.append(("scale", scale))
    return {"app": name, "kind": kind, "owner": owner, "shared_with": shared, "steps": steps, "registry": registry}


def app_page(app, version):
    """The app's own front page (the file its image serves)."""
    return ("<!DOCTYPE html>\n<html><head><title>%s</title></head>\n<body><h1>%s</h1><p>Build %s.</p></body></html>\n"
            % (app, app, version)).encode()


def public_key(user):
    """An ed25519 public key line for USER (a well-formed key blob; nobody holds its private half)."""
    blob = b"".join(len(part).to_bytes(4, "big") + part
                    for part in (b"ssh-ed25519", hashlib.sha256(("sandbox key " + user).encode()).digest()))
    return "ssh-ed25519 %s %s@workstation" % (base64.b64encode(blob).decode(), user)


def fingerprint(key):
    """controller/api/utils.py fingerprint: md5 of the key blob, colon-separated hex."""
    digest = hashlib.md5(base64.b64decode(key.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


class Seeder:
    """Runs the plans against the controller (a deisapi.Controller) and its registry (host:port)."""

    def __init__(self, controller, registry, passwords, builder_key):
        self.controller, self.registry, self.passwords, self.builder_key = controller, registry, passwords, builder_key
        self.users = {}

    def register_users(self):
        for user in USERS:
            answer = self.controller.register(user, self.passwords[user])
            if answer.status not in (201, 400):
                raise ApiError("POST", "/v1/auth/register/", answer)
            self.users[user] = self.controller.login(user, self.passwords[user])
            key = public_key(user)
            added = self.users[user].call("POST", "/v1/keys/", {"id": "%s@workstation" % user, "public": key})
            if added.status not in (201, 400):
                raise ApiError("POST", "/v1/keys/", added)

    def run(self, plans, threads=8):
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(self.seed_app, plan) for plan in plans]:
                future.result()

    def seed_app(self, plan):
        app, owner = plan["app"], self.users[plan["owner"]]
        for step, argument in plan["steps"]:
            if step == "create":
                owner.call("POST", "/v1/apps/", {"id": app}, expect=201)
            elif step == "share":
                owner.call("POST", "/v1/apps/%s/perms/" % app, {"username": argument}, expect=201)
            elif step == "config":
                owner.call("POST", "/v1/apps/%s/config/" % app, argument, expect=201)
            elif step == "deploy" and argument["kind"] == "pull":
                self.deis_pull(self.users[argument["user"]], app, argument["number"])
            elif step == "deploy":
                self.git_push(app, argument)
            elif step == "domain":
                owner.call("POST", "/v1/apps/%s/domains/" % app, {"domain": argument}, expect=201)
            elif step == "scale":
                owner.call("POST", "/v1/apps/%s/scale/" % app, argument, expect=204)

    def deis_pull(self, user, app, number):
        """Push acme/<app>:1.<number> to the registry, then `deis pull` it."""
        tag = "1.%d" % number
        image = v1registry.make_image("acme/" + app, tag, {"app/index.html": app_page(app, tag)},
                                      env=["PATH=/usr/local/bin:/usr/bin:/bin", "PORT=5000"],
                                      cmd=["/bin/httpd", "-f", "-p", "5000", "-h", "/app"])
        v1registry.V1Registry(self.registry).push("acme/" + app, tag, image)
        user.call("POST", "/v1/apps/%s/builds/" % app, {"image": "%s/acme/%s:%s" % (self.registry, app, tag)},
                  expect=201)

    def git_push(self, app, deploy):
        """What `git push deis master` makes the builder do (see the module docstring)."""
        user = deploy["user"]
        sha = hashlib.sha1(("%s push %d" % (app, deploy["number"])).encode()).hexdigest()
        hook = {"receive_user": user, "receive_repo": app}
        auth = {"X-Deis-Builder-Auth": self.builder_key}
        push = dict(hook, sha=sha, fingerprint=fingerprint(public_key(user)), ssh_connection="10.0.0.5 50412 10.0.1.11 2222",
                    ssh_original_command="git-receive-pack '%s.git'" % app)
        self.controller.call("POST", "/v1/hooks/push/", push, headers=auth, expect=201)
        self.controller.call("POST", "/v1/hooks/config/", hook, headers=auth, expect=200)
        dockerfile = deploy["kind"] == "dockerfile"
        files = {"app/index.html": app_page(app, sha[:8])}
        if dockerfile:
            files["app/Dockerfile"] = b"FROM alpine:3.2\nCOPY . /app\nCMD [\"/bin/httpd\", \"-f\", \"-h\", \"/app\"]\n"
            procfile = {}
        else:
            files["app/Procfile"] = "".join("%s: %s\n" % item for item in sorted(GIT_PROCFILE.items())).encode()
            procfile = GIT_PROCFILE
        image = v1registry.make_image(app, "git-" + sha[:8], files, env=["PATH=/usr/bin:/bin", "GIT_SHA=" + sha])
        v1registry.V1Registry(self.registry).push(app, "git-" + sha[:8], image)
        build = dict(hook, sha=sha[:8], image=app, procfile=procfile, dockerfile="true" if dockerfile else "")
        self.controller.call("POST", "/v1/hooks/build/", build, headers=auth, expect=200)


def plans(count, registry, seed=20160301):
    rng = random.Random(seed)
    return [plan_app(rng, index, name, registry) for index, name in enumerate(app_names(count, rng))]


def seed(controller, registry, count, passwords, builder_key, threads=8):
    """Register the users and seed COUNT apps; returns the plans."""
    seeder = Seeder(controller, registry, passwords, builder_key)
    seeder.register_users()
    planned = plans(count, registry)
    seeder.run(planned, threads)
    return planned
