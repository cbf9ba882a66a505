import signal
import sys

try:
    from mlplay.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing has happened yet
    print("interrupted" + (" before the first epoch ended: nothing to save" if sys.argv[1:2] == ["train"] else ""),
          file=sys.stderr)
    sys.exit(128 + signal.SIGINT)

main()
