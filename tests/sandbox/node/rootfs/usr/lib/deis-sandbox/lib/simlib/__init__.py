"""Shared code of the sandbox's CoreOS-era tool simulators (runs on the nodes and on the host)."""
