"""Services: time, identifiers, password hashing, tokens and message delivery.

Each is a small protocol with an in-tree implementation; the domain receives them
through the ``Cognito`` service root and never reaches for ``time`` or ``secrets`` itself.
"""
