"""The base of the token readers."""

from __future__ import annotations

from generator.spec.shorthand.words import Problem


class Reader:
    """What the readers of a token share: the token and the problems found in it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.problems: list[Problem] = []
        self.name_failed = False

    def problem(self, start: int, end: int, message: str) -> None:
        self.problems.append(Problem(self.token, start, end, message))
