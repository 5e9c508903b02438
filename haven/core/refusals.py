"""A refusal of bad input that says what is wrong and where.

`errors` maps each field the page shows (e.g. "team", "answers.Q3") to a clear message,
so a form re-renders with each message beside its field and nothing the user typed lost.
"""


class Refused(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
