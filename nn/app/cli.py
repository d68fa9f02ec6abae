"""The ``autograd-mini`` command: ``tour``, ``graph``, ``crosscheck``, ``train``, ``ways`` and ``play``.

Installed as a console script (``autograd-mini = "nn.app.cli:main"``) and also run by ``python -m nn.app``.
This module only builds the command line and dispatches; each command is a module with ``add_parser(sub,
formatter)``, its options and ``run(args)``:

- ``tour``: ``nn.app.tour`` (one neuron drawn, the backward pass step by step, the documents' delta equations
  checked, finite differences, a small MLP trained on two moons; every picture written to a folder);
- ``graph``: ``nn.app.graph_command`` (a formula differentiated, printed and drawn);
- ``crosscheck``: ``nn.app.crosscheck_command``;
- ``train``: ``nn.app.train_command``;
- ``ways``: ``nn.app.ways_command`` (document 004's four ways to compute the gradient, side by side);
- ``play``: ``nn.app.play_command`` (the playground: a local web page on the engine).

``main(argv)`` returns the exit status instead of exiting: 0 when all went well, 1 when the work failed (a formula
that parses but cannot be computed at the values given, say), 2 for a bad command line (argparse's convention; a
formula that does not parse is a bad argument too), so tests can call it directly.
A bad command line is one line on stderr, naming the option, the value and what is allowed, and where a word is
close to a command or an option, which one was likely meant ("did you mean graph?"); every option is checked
(ranges, lists, output paths, the extras an option needs, and the cost worked out from the sizes) before any work
starts. An error raised while the command works is one line too, unless ``--debug`` asks for the traceback.
Ctrl-C ends with status 130 and SIGTERM with 143, stopping Graphviz's ``dot`` if it runs; a closed stdout
(``autograd-mini crosscheck | head -1``) ends quietly with status 141, as a program killed by SIGPIPE would.
"""

import argparse
import contextlib
import importlib
import os
import re
import signal
import sys
import textwrap

from nn.app.options import OptionError, example_value, shown, split_variables, suggestion, variable_values
from nn.app.tour import TOUR_TIME

PROG = "autograd-mini"

# The commands, in the order --help lists them: each a module of nn.app with add_parser(sub, formatter)
COMMANDS = {
    "tour": "nn.app.tour",
    "graph": "nn.app.graph_command",
    "crosscheck": "nn.app.crosscheck_command",
    "train": "nn.app.train_command",
    "ways": "nn.app.ways_command",
    "play": "nn.app.play_command",
}

_MAIN_EPILOG = f"""\
examples:
  autograd-mini tour                                   a walk through backpropagation ({TOUR_TIME})
  autograd-mini tour --out my-tour --fast              a quicker tour into the folder my-tour
  autograd-mini graph "tanh(x*w + b)" --x 2 --w -3 --b 6.88
  autograd-mini crosscheck --sizes 3,4,2 --activation sigmoid
  autograd-mini train --data moons --epochs 100 --save model.json --plot loss.png
  autograd-mini ways --sizes 2,4,1                     the gradient four ways, and what each costs

Each command has its own --help, e.g. autograd-mini graph --help.

exit status: 0 all went well; 1 the work failed (a formula that parses but cannot be computed at the values given,
such as log(x) at x = 0; gradients that disagree); 2 a bad command line (one line naming the option; also a formula
that does not parse, or whose variables are not the ones given); 130 Ctrl-C, 143 terminated, 141 stdout closed.
"""

# argparse's own phrases after "argument --OPTION: "; the checks of nn.app.options start with the value instead
_ARGPARSE_PHRASES = ("invalid ", "expected ", "ignored ", "not allowed ")


def _one_line(prog, message):
    """The one line a mistake gets: ``autograd-mini train: error: --epochs 0: must be ... (see ... --help)``."""
    match = re.match(r"argument (\S+?): (.*)", message, re.S)
    if match:
        option, rest = match.group(1).split("/")[-1], match.group(2)
        message = f"{option}: {rest}" if rest.startswith(_ARGPARSE_PHRASES) else f"{option} {rest}"
    return f"{prog}: error: {' '.join(message.split())} (see {prog} --help)"


class _Parser(argparse.ArgumentParser):
    """argparse with our program name in every message; a mistake is one line and exit status 2, saying what was
    likely meant. ``takes_variables``: a command whose other ``--NAME VALUE`` are a formula's variables."""

    takes_variables = False

    def error(self, message):
        self.exit(2, _one_line(self.prog, self._reworded(message)) + "\n")

    def _reworded(self, message):
        """argparse's words where ours say more: a missing value named with an example, a misspelt command with
        the likely one."""
        missing = re.match(r"argument (\S+?): expected one argument", message)
        if missing:
            option = missing.group(1).split("/")[-1]
            example = example_value(self._option_string_actions.get(option))
            return f"{option} needs a value, e.g. {option} {shown(example)}"
        choice = re.match(r"argument COMMAND: invalid choice: '(.*)' \(choose from (.*)\)", message, re.S)
        if choice:
            names = ", ".join(COMMANDS)
            hint = suggestion(choice.group(1), COMMANDS)
            return f"{shown(choice.group(1))!r} is not a command{hint} (the commands: {names})"
        return message

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but words no command takes are blamed on the command they were given to, with the option
        they were likely meant as (``autograd-mini crosscheck: error: unrecognized arguments: --sizs 3,4; did you
        mean --sizes? (see autograd-mini crosscheck --help)``)."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = next((a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)), {})
            parser = commands.get(str(getattr(namespace, "command", "")), self)
            parser.error(f"unrecognized arguments: {shown(' '.join(extras))}{parser.likely(extras)}")
        return namespace

    def likely(self, words):
        """What the first word argparse did not take was likely meant as: an option close to it, or ``--eps 0.1``
        for ``eps=0.1``."""
        word = words[0]
        assignment = re.match(r"([A-Za-z][\w-]*)=(.*)\Z", word, re.S)
        if assignment and f"--{assignment.group(1)}" in self._option_string_actions:
            return f"; options start with --: --{assignment.group(1)} {shown(assignment.group(2))}"
        if word.startswith("-"):
            return suggestion(word.split("=", 1)[0], [o for o in self._option_string_actions if o.startswith("--")])
        return ""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help with our texts fitted to the terminal, as argparse fits the options': a paragraph is filled to
    the width, and an indented line (an example command, a list) is kept as written, so that a command is never
    broken. (Kept whole, the prose was 110 columns: ragged in an 80-column terminal.)"""

    def _fill_text(self, text, width, indent):
        out, paragraph = [], []
        for line in [*text.splitlines(), ""]:
            if line and not line[0].isspace():
                paragraph.append(line)
                continue
            if paragraph:
                out.append(textwrap.fill(" ".join(paragraph), width, initial_indent=indent, subsequent_indent=indent,
                                         break_on_hyphens=False, break_long_words=False))  # fmt: skip
                paragraph = []
            out.append(indent + line if line else "")
        return "\n".join(out[:-1])


def build_parser():
    """The whole command line: ``autograd-mini {tour,graph,crosscheck,train,ways,play} ...``."""
    from autograd_mini import __version__

    formatter = _HelpFormatter
    parser = _Parser(
        prog=PROG,
        description="Learn and check backpropagation with a scalar autodiff engine: draw graphs, follow the "
        "backward pass step by step, check hand-derived delta equations, train small networks.",
        epilog=_MAIN_EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMANDS.values():
        _add_common(importlib.import_module(module).add_parser(sub, formatter))
    return parser


def _add_common(parser):
    parser.add_argument(
        "--debug", action="store_true", help="show the Python traceback of an error instead of one line (default: off)"
    )


class Terminated(BaseException):
    """SIGTERM arrived: raised in the main thread so that everything unwinds (and ``dot`` is stopped)."""


@contextlib.contextmanager
def _terminate_by_exception():
    """While the command runs, SIGTERM raises ``Terminated`` (the default would end Python at once and leave a
    running ``dot`` behind); the previous handler is restored afterwards."""

    def handler(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals cannot be caught here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout():
    """After a closed pipe: point stdout at /dev/null, so that Python's final flush does not complain again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def _parse(parser, argv, command):
    """The parsed command line; a command with variables gets them as ``args.values`` ({name: float})."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    own = commands.get(command)
    if own is None or not own.takes_variables:
        return parser.parse_args(argv)
    options = own._option_string_actions
    valued = {name for name, action in options.items() if action.nargs != 0}
    argv, variables = split_variables(argv, set(options), valued, f"{PROG} {command}")
    args = parser.parse_args(argv)
    args.values = variable_values(variables, args.var, [o for o in options if o.startswith("--")])
    return args


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status (0, 1, 2, 130, 141, 143)."""
    from autograd_mini.files import UnsafeOutputError

    argv = list(sys.argv[1:] if argv is None else argv)
    # the command line only writes files: should anything reach pyplot, no window (the library never chooses)
    os.environ.setdefault("MPLBACKEND", "Agg")
    command = argv[0] if argv and not argv[0].startswith("-") else ""
    prog = f"{PROG} {command}".strip() if command in COMMANDS else PROG
    with _terminate_by_exception():
        try:
            parser = build_parser()
            if argv and argv[0].startswith("--") and argv[0].split("=")[0] not in ("--help", "--version"):
                hint = suggestion(argv[0].split("=")[0], ["--help", "--version"])
                raise OptionError(f"{shown(argv[0])}: {PROG} takes --help, --version or a command first{hint}")
            args = _parse(parser, argv, command)
            return int(args.run(args) or 0)
        except SystemExit as exit_:  # argparse: --help (0) and bad options (2)
            code = exit_.code
            return code if isinstance(code, int) else (0 if code is None else 2)
        except OptionError as err:
            print(_one_line(prog, str(err)), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted", file=sys.stderr)
            return 130
        except Terminated:
            print(f"{PROG}: terminated", file=sys.stderr)
            return 143
        except BrokenPipeError:  # the reader went away (| head): nothing more to say, and no one to say it to
            _silence_stdout()
            return 141
        except Exception as err:
            if "--debug" in argv:
                raise
            lines = str(err).strip().splitlines() or [""]
            more = " ..." if len(lines) > 1 else ""
            kind = "" if isinstance(err, UnsafeOutputError) else f"{type(err).__name__}: "
            print(f"{prog}: error: {kind}{shown(lines[0], 300)}{more} (--debug shows the traceback)", file=sys.stderr)
            return 1


if __name__ == "__main__":  # python nn/app/cli.py ... (the installed command and python -m nn.app call main)
    raise SystemExit(main())
