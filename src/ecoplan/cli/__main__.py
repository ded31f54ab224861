"""``python -m ecoplan.cli``: the same command line as ``ecoplan``."""

from ecoplan.cli import app

app(prog_name="ecoplan")
