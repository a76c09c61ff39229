"""A mistake of the user's (an unknown version, name or option, a missing file): the command
line prints it as one line and exits 2, never a traceback. Raised anywhere on the host side;
turned into that line in one place, `matrix.cli`."""


class UsageError(Exception):
    pass
