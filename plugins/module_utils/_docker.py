# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""Pulling images on a node with its own docker: the background pull's script, its log, and `systemctl show`.

A pull is what each Deis unit does in ExecStartPre (`docker history $IMAGE >/dev/null 2>&1 || docker pull $IMAGE`,
deis/deis v1.13.4 deisctl/units/deis-controller.service:9) and what upstream's /run/deis/bin/preseed loops over
(contrib/coreos/user-data.example v1.13.4 :159): an image the node holds is not pulled again.
"""

import hashlib

# Runs in a transient unit (systemd-run): $1 the log, then the images, one after the other as preseed does.
PULL_SCRIPT = """log=$1; shift
for image in "$@"; do
    if docker history "$image" >/dev/null 2>&1; then
        echo "present $image" >>"$log"
        continue
    fi
    started=$(date +%s.%N)
    if docker pull "$image"; then
        echo "pulled $image $started $(date +%s.%N)" >>"$log"
    else
        echo "failed $image $?" >>"$log"
        echo "done 1" >>"$log"
        exit 1
    fi
done
echo "done 0" >>"$log"
"""


# Prints the images the node lacks, one per line (one command for all of them).
MISSING_SCRIPT = 'for image in "$@"; do docker history "$image" >/dev/null 2>&1 || echo "$image"; done'


def pull_unit(images):
    """The transient unit of one set of images, and its log: deis-prepull-<hash>.service, /run/deis-prepull-<hash>.log."""
    digest = hashlib.sha1("\n".join(sorted(images)).encode()).hexdigest()[:12]
    return "deis-prepull-%s.service" % digest, "/run/deis-prepull-%s.log" % digest


def parse_pull_log(text):
    """The background pull's log -> {"events": [{"kind": present|pulled|failed, "image", "seconds"|"rc"}] in order,
    "present", "pulled": [{"image", "seconds"}], "failed": [{"image", "rc"}], "done", "rc"}; ValueError on a line the
    script does not write."""
    result = {"events": [], "present": [], "pulled": [], "failed": [], "done": False, "rc": None}
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "present" and len(words) == 2:
            event = {"kind": "present", "image": words[1]}
            result["present"].append(words[1])
        elif words[0] == "pulled" and len(words) == 4:
            event = {"kind": "pulled", "image": words[1], "seconds": round(float(words[3]) - float(words[2]), 1)}
            result["pulled"].append({"image": words[1], "seconds": event["seconds"]})
        elif words[0] == "failed" and len(words) == 3:
            event = {"kind": "failed", "image": words[1], "rc": int(words[2])}
            result["failed"].append({"image": words[1], "rc": event["rc"]})
        elif words[0] == "done" and len(words) == 2:
            result["done"], result["rc"] = True, int(words[1])
            continue
        else:
            raise ValueError("unexpected line in the pull log: %r" % line)
        result["events"].append(event)
    return result


def progress_line(event, number, total):
    """`pulled deis/controller:v1.13.4 in 20.0 s (3/14)` for the task's progress output."""
    if event["kind"] == "pulled":
        return "pulled %s in %.1f s (%d/%d)" % (event["image"], event["seconds"], number, total)
    if event["kind"] == "failed":
        return "FAILED to pull %s: docker pull exited %d (%d/%d)" % (event["image"], event["rc"], number, total)
    return "%s already there (%d/%d)" % (event["image"], number, total)


def parse_unit_state(text):
    """`systemctl show -p ActiveState -p SubState UNIT` -> (active, sub); a unit systemd does not know is inactive/dead."""
    values = dict(line.partition("=")[::2] for line in text.splitlines() if "=" in line)
    return values.get("ActiveState") or "inactive", values.get("SubState") or "dead"
