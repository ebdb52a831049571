"""A systemctl stand-in for running fleetd's agent on the host: units whose file is linked into
$SANDBOX_ROOT/run/systemd/system start at once (active/running) unless the control folder has
faults/unit-fails-<component>, in which case they end failed/failed, as deis-component makes them."""
import json
import os
import sys

ROOT = os.environ["SANDBOX_ROOT"]
STATE = os.path.join(ROOT, "fake-systemd.json")


def load():
    try:
        with open(STATE) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {"active": {}, "calls": []}


def component(unit):
    return unit[len("deis-"):].split("@")[0].split(".")[0]


def loaded(unit):
    return os.path.lexists(os.path.join(ROOT, "run/systemd/system", unit))


def show(state, units):
    blocks = []
    for unit in units:
        active = state["active"].get(unit, "inactive")
        sub = {"active": "running", "inactive": "dead", "failed": "failed"}[active]
        blocks.append("Id=%s\nLoadState=%s\nActiveState=%s\nSubState=%s\n"
                      % (unit, "loaded" if loaded(unit) else "not-found", active, sub))
    sys.stdout.write("\n".join(blocks))


def main(argv):
    state = load()
    state["calls"].append(argv)
    words = [word for word in argv if not word.startswith("-")]
    code = 0
    if words[0] == "start":
        fault = os.path.join(ROOT, "var/lib/deis-sandbox/control/faults/unit-fails-" + component(words[1]))
        state["active"][words[1]] = "failed" if os.path.exists(fault) else "active"
    elif words[0] == "stop" and state["active"].get(words[1]) == "active":
        state["active"][words[1]] = "inactive"
    elif words[0] == "is-active":
        code = 0 if state["active"].get(words[1]) == "active" else 3
    elif words[0] == "show":
        show(state, words[1:])
    with open(STATE, "w") as handle:
        json.dump(state, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
