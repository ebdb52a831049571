"""Where update_engine and update_engine_client log each message they print: source file and line, per release.

Lines from `git show <tag>:src/update_engine/<file>` of coreos/update_engine (tags v0.1.3 ... v0.4.3) and of
flatcar/update_engine at 7382641 ("flatcar"); the message texts are the LOG(...) strings there, unchanged
across these releases.
"""

DAEMON_SOURCES = {
    "starting": "main.cc", "next_check": "update_check_scheduler.cc", "interactive": "dbus_service.cc",
    "check_requested": "update_attempter.cc", "skipping": "update_attempter.cc",
    "boot_flags_running": "update_attempter.cc", "boot_flags_done": "update_attempter.cc",
    "boot_flags": "update_attempter.cc", "scheduling": "update_attempter.cc", "posting": "omaha_request_action.cc",
    "http_code": "libcurl_http_fetcher.cc", "no_http_code": "libcurl_http_fetcher.cc",
    "retry": "libcurl_http_fetcher.cc", "transfer_error": "libcurl_http_fetcher.cc",
    "omaha_no_update": "omaha_request_action.cc", "transfer_failed": "omaha_request_action.cc",
    "no_updates": "omaha_response_handler_action.cc", "processing_done": "update_attempter.cc",
    "error_event_sent": "update_attempter.cc", "applied": "update_attempter.cc",
    "attempter_no_update": "update_attempter.cc", "update_failed": "update_attempter.cc",
}
_DAEMON_KEYS = ("starting", "next_check", "interactive", "check_requested", "skipping", "boot_flags_running",
                "boot_flags_done", "boot_flags", "scheduling", "posting", "http_code", "no_http_code", "retry",
                "transfer_error", "omaha_no_update", "transfer_failed", "no_updates", "processing_done",
                "error_event_sent", "applied", "attempter_no_update", "update_failed")
_DAEMON_LINES = {
    "v0.1.3": (155, 82, 57, 256, 259, 471, 475, 485, 658, 257, 240, 243, 260, 274, 394, 588, 36, 283, 290, 309, 319, 598),
    "v0.2.2": (89, 82, 57, 242, 245, 450, 454, 464, 597, 245, 240, 243, 260, 274, 383, 577, 35, 269, 273, 292, 302, 574),
    "v0.3.2": (89, 82, 57, 253, 256, 461, 465, 475, 608, 245, 240, 243, 260, 274, 383, 577, 36, 280, 284, 303, 313, 585),
    "v0.4.0": (89, 74, 57, 259, 262, 467, 471, 481, 614, 245, 240, 243, 260, 274, 383, 577, 36, 286, 290, 309, 319, 591),
    "v0.4.1": (89, 74, 57, 261, 264, 469, 473, 483, 616, 245, 240, 243, 260, 274, 383, 577, 36, 288, 292, 311, 321, 593),
    "v0.4.3": (89, 74, 57, 263, 266, 479, 483, 493, 626, 245, 240, 243, 260, 274, 386, 606, 36, 290, 294, 316, 326, 603),
    "flatcar": (92, 74, 57, 279, 282, 495, 499, 509, 643, 271, 263, 266, 283, 297, 412, 636, 33, 306, 310, 332, 342, 619),
}

CLIENT_SOURCE = "update_engine_client.cc"
_CLIENT_KEYS = ("querying", "initiating", "waiting", "failed", "succeeded", "no_update", "retrying_proxy",
                "proxy_error", "giving_up", "reset", "watching")
_CLIENT_LINES = {
    "v0.1.3": (233, 243, 248, 189, 193, None, 50, 59, 64, 219, 257),
    "v0.2.2": (233, 243, 248, 189, 193, None, 50, 59, 64, 219, 257),
    "v0.3.2": (237, 247, 252, 190, 194, None, 51, 60, 65, 223, 261),
    "v0.4.0": (237, 247, 252, 190, 194, None, 51, 60, 65, 223, 261),
    "v0.4.1": (237, 247, 252, 190, 194, None, 51, 60, 65, 223, 261),
    "v0.4.3": (237, 247, 252, 190, 194, None, 51, 60, 65, 223, 261),
    "flatcar": (241, 251, 256, 190, 198, 194, 51, 60, 65, 227, 265),
}


def daemon(tag, key):
    """(source file, line) of daemon message KEY in release TAG."""
    return DAEMON_SOURCES[key], _DAEMON_LINES[tag][_DAEMON_KEYS.index(key)]


def client(tag, key):
    return CLIENT_SOURCE, _CLIENT_LINES[tag][_CLIENT_KEYS.index(key)]
