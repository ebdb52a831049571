#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_cname_records
short_description: CNAME records from old app names to new ones - a zone snippet and an optional RFC 2136 update
description:
  - Writes an RFC 1035 master-file snippet with one C(<old name>.  CNAME  <new name>.) line per record, sorted, for a DNS admin to paste.
  - With O(apply=true), also applies the records with a TSIG-signed RFC 2136 dynamic update, running C(nsupdate) on the control node with
    the update script on stdin (the key secret never appears on a command line or in the output).
  - Idempotent - the current records are read first with C(dig), and only missing or different records are sent.
author:
  - deis.platform contributors (@deis-platform)
requirements:
  - C(dig) and C(nsupdate) on the control node for O(apply=true) (Debian/Ubuntu package C(bind9-dnsutils), RHEL C(bind-utils)).
extends_documentation_fragment:
  - deis.platform.attributes
options:
  records:
    description: Old name to new name, for example C(happy-bandit.oldcluster.example.org) to C(happy-bandit.newcluster.example.org).
    type: dict
    required: true
  path:
    description: Write the zone snippet to this file (mode 0644); not written when omitted.
    type: path
  ttl:
    description: TTL of the records; the snippet leaves it out (zone default) when 0.
    type: int
    default: 300
  apply:
    description: Apply the records to O(server) with nsupdate.
    type: bool
    default: false
  server:
    description: The primary DNS server of O(zone).
    type: str
    default: 127.0.0.1
  port:
    description: Its port.
    type: int
    default: 53
  zone:
    description: The zone the records belong to; required with O(apply=true).
    type: str
  key_name:
    description: Name of the TSIG key allowed to update O(zone); required with O(apply=true).
    type: str
  key_secret:
    description: Base64 secret of the TSIG key; required with O(apply=true).
    type: str
  key_algorithm:
    description: TSIG algorithm.
    type: str
    default: hmac-sha256
  timeout:
    description: Seconds C(dig) and C(nsupdate) wait for the server.
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: Point the old names to the new cluster
  deis.platform.dns_cname_records:
    records:
      happy-bandit.oldcluster.example.org: happy-bandit.newcluster.example.org
    path: /srv/migration/oldcluster-cnames.zone
    apply: true
    server: ns1.example.org
    zone: oldcluster.example.org
    key_name: deis-ddns
    key_secret: "{{ vault_tsig_secret }}"
"""

RETURN = r"""
snippet:
  description: The zone snippet.
  type: str
  returned: success
file_changed:
  description: Whether the snippet file was (or would be) written.
  type: bool
  returned: success
updated:
  description: Names whose record was (or would be) added or replaced on the server.
  type: list
  elements: str
  returned: success
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._dns_zone import fqdn, zone_snippet

BATCH = 50


def current_records(module, names):
    """{name: target} of the CNAMEs the server answers now, read with dig in batches."""
    dig = module.get_bin_path("dig", required=True)
    params, found = module.params, {}
    for start in range(0, len(names), BATCH):
        argv = [dig, "@" + params["server"], "-p", str(params["port"]), "+noall", "+answer", "+time=%d" % params["timeout"], "+tries=2"]
        for name in names[start:start + BATCH]:
            argv += [name, "CNAME"]
        rc, out, err = module.run_command(argv, check_rc=False)
        if rc != 0:
            module.fail_json(msg="dig could not ask %s:%d: %s" % (params["server"], params["port"], (err or out).strip()), rc=rc)
        for line in out.splitlines():
            fields = line.split()
            if len(fields) == 5 and fields[3].upper() == "CNAME":
                found[fields[0].lower()] = fields[4].lower()
    return found


def update_script(params, records):
    """The nsupdate input: server, zone, key, then delete + add of each record, and send."""
    lines = ["server %s %d" % (params["server"], params["port"]), "zone %s" % fqdn(params["zone"]),
             "key %s:%s %s" % (params["key_algorithm"], params["key_name"], params["key_secret"])]
    for name in sorted(records):
        lines += ["update delete %s CNAME" % name, "update add %s %d CNAME %s" % (name, params["ttl"] or 300, records[name])]
    return "\n".join(lines + ["send", ""])


def main():
    module = AnsibleModule(
        argument_spec={
            "records": {"type": "dict", "required": True}, "path": {"type": "path"}, "ttl": {"type": "int", "default": 300},
            "apply": {"type": "bool", "default": False}, "server": {"type": "str", "default": "127.0.0.1"}, "port": {"type": "int", "default": 53},
            "zone": {"type": "str"}, "key_name": {"type": "str", "no_log": False}, "key_secret": {"type": "str", "no_log": True},
            "key_algorithm": {"type": "str", "default": "hmac-sha256"}, "timeout": {"type": "int", "default": 10},
        },
        required_if=[("apply", True, ("zone", "key_name", "key_secret"))],
        supports_check_mode=True,
    )
    params = module.params
    records = {fqdn(str(name).lower()): fqdn(str(target).lower()) for name, target in params["records"].items()}
    snippet = zone_snippet(records, params["ttl"])
    result = {"changed": False, "snippet": snippet, "file_changed": False, "updated": [], "diff": []}
    if params["path"]:
        try:
            with open(params["path"], encoding="utf-8") as handle:
                before = handle.read()
        except FileNotFoundError:
            before = ""
        if before != snippet:
            result.update(changed=True, file_changed=True)
            result["diff"].append({"before_header": params["path"], "after_header": params["path"], "before": before, "after": snippet})
            if not module.check_mode:
                folder = os.path.dirname(params["path"])
                if folder:
                    os.makedirs(folder, exist_ok=True)
                with open(params["path"] + ".tmp", "w", encoding="utf-8") as handle:
                    handle.write(snippet)
                os.chmod(params["path"] + ".tmp", 0o644)
                os.replace(params["path"] + ".tmp", params["path"])
    if params["apply"] and records:
        have = current_records(module, sorted(records))
        wanted = {name: target for name, target in records.items() if have.get(name) != target}
        result["updated"] = sorted(wanted)
        if wanted:
            result["changed"] = True
            result["diff"].append({"before_header": "DNS", "after_header": "DNS",
                                   "before": "".join("%s CNAME %s\n" % (name, have[name]) for name in sorted(wanted) if name in have),
                                   "after": "".join("%s CNAME %s\n" % (name, wanted[name]) for name in sorted(wanted))})
            if not module.check_mode:
                nsupdate = module.get_bin_path("nsupdate", required=True)
                rc, out, err = module.run_command([nsupdate, "-t", str(params["timeout"])], data=update_script(params, wanted), check_rc=False)
                if rc != 0:
                    module.fail_json(msg="nsupdate failed for zone %s at %s:%d: %s"
                                     % (params["zone"], params["server"], params["port"], (err or out).strip()), rc=rc, updated=[])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
