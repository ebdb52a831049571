"""Host side of the deis.platform rehearsal sandbox."""
