# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._update_conf import update_conf_path, with_group


@pytest.mark.parametrize(
    "flavor, path",
    [("coreos", "/etc/coreos/update.conf"), ("flatcar", "/etc/flatcar/update.conf"), (None, "/etc/coreos/update.conf")],
)
def test_update_conf_path(flavor, path):
    assert update_conf_path(flavor) == path


@pytest.mark.parametrize(
    "text, group, expected",
    [
        pytest.param("GROUP=alpha\nREBOOT_STRATEGY=off\n", "stable", "GROUP=stable\nREBOOT_STRATEGY=off\n", id="replaces"),
        pytest.param("REBOOT_STRATEGY=off\n", "beta", "GROUP=beta\nREBOOT_STRATEGY=off\n", id="adds-first"),
        pytest.param("", "stable", "GROUP=stable\n", id="empty-file"),
        pytest.param("GROUP=stable\n", "stable", "GROUP=stable\n", id="unchanged"),
        pytest.param("REBOOT_STRATEGY=off\nGROUP=alpha\nSERVER=https://public.update.core-os.net/v1/update/\nGROUP=beta\n", "stable",
                     "REBOOT_STRATEGY=off\nGROUP=stable\nSERVER=https://public.update.core-os.net/v1/update/\n",
                     id="de-duplicates-at-the-first-place"),
        pytest.param("  GROUP = alpha\nGROUP=beta\n", "stable", "GROUP=stable\n", id="spaced-and-indented-group-lines"),
        pytest.param("# GROUP=alpha was the old channel\nGROUPS=x\nMY_GROUP=y\n\nREBOOT_STRATEGY=etcd-lock\n", "stable",
                     "GROUP=stable\n# GROUP=alpha was the old channel\nGROUPS=x\nMY_GROUP=y\n\nREBOOT_STRATEGY=etcd-lock\n",
                     id="keeps-comments-blank-lines-and-look-alikes"),
        pytest.param("GROUP=alpha", "stable", "GROUP=stable\n", id="adds-the-final-newline"),
        pytest.param("GROUP=alpha\r\nREBOOT_STRATEGY=off\r\n", "stable", "GROUP=stable\nREBOOT_STRATEGY=off\n", id="crlf-becomes-lf"),
        pytest.param("REBOOT_STRATEGY=off\n", "my-channel_2.x", "GROUP=my-channel_2.x\nREBOOT_STRATEGY=off\n", id="custom-channel-name"),
    ],
)
def test_with_group(text, group, expected):
    assert with_group(text, group) == expected
    assert with_group(expected, group) == expected  # a second run changes nothing


@pytest.mark.parametrize(
    "group",
    [
        pytest.param("", id="empty"),
        pytest.param("stable beta", id="space"),
        pytest.param("stable;reboot", id="semicolon"),
        pytest.param("$(reboot)", id="command-substitution"),
        pytest.param("../stable", id="slash"),
        pytest.param("b\u00eata", id="non-ascii"),
        pytest.param("stable\nSERVER=http://evil", id="embedded-newline"),
        pytest.param("stable\r", id="carriage-return"),
    ],
)
def test_with_group_rejects_bad_names(group):
    with pytest.raises(ValueError) as error:
        with_group("GROUP=stable\n", group)
    assert str(error.value) == "update group %r is not a channel name like stable, beta or alpha" % group


def test_with_group_rejects_a_trailing_newline():
    with pytest.raises(ValueError):
        with_group("REBOOT_STRATEGY=off\n", "stable\n")
