"""``python -m nn.app``: the same as the ``autograd-mini`` command."""

from nn.app.cli import main

raise SystemExit(main())
