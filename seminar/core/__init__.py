"""Pure cores: content parsers and exporters, Markdown, question types, grading, certification
rules, credential wording and signing, the certificate PDF, record ids, calendar feeds.

Nothing here imports Flask or the database (a contract in `make test` keeps it so): each module
is functions over plain values and frozen dataclasses, tested with tables.
"""
