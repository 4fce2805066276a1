import sys

from composition.cli import program

sys.exit(program())
