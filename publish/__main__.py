"""`python -m publish` and the `publish` command: quiet signals from the first moment, then the command line."""
import os
import signal


def _stopped_early(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM while the command line is still being imported: nothing was written yet."""
    os._exit(128 + signum)


signal.signal(signal.SIGINT, _stopped_early)
signal.signal(signal.SIGTERM, _stopped_early)

from .cli import run  # noqa: E402  (after the handlers: a Ctrl-C during the imports prints no traceback)

if __name__ == "__main__":
    run()
