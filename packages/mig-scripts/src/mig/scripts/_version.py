"""The distribution's version, kept in this one place (hatch reads it)."""

__version__ = "0.1.0"
