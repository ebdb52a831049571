# Both targets set this Debian machine up themselves (run as root): Debian packages, .venv with the
# pinned tool chain, dockerd and the sandbox image. See README.md.
.PHONY: test demo sandbox-down

test:
	bash tests/run test

demo:
	bash tests/run demo

sandbox-down:
	tests/sandbox/sandbox down
