"""JSON-compatible encoding of the SQLAlchemy objects that directives carry.

Decoding never evaluates code from its input: types are looked up in a fixed registry of
SQLAlchemy's own type classes (plus those a caller passes in explicitly), and SQL fragments
come back as ``text()`` clauses, never as Python.
"""
