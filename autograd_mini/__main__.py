"""``python -m autograd_mini``: the program entry only. The command line itself lives in ``nn/cli.py`` (the
engine does not depend on ``nn``; this shim is not imported by the engine, only run by ``-m``)."""

from nn.cli import main

raise SystemExit(main())
