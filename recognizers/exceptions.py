"""Exceptions raised by the identifier validators, rooted in ValueError as in python-stdnum.

>>> issubclass(InvalidChecksum, ValidationError) and issubclass(ValidationError, ValueError)
True
"""


class ValidationError(ValueError):
    """The value is not a valid identifier of this kind."""

    message = "the value is not valid"

    def __str__(self) -> str:
        # Never echo the value itself: these messages may reach logs and audit records.
        return self.args[0] if self.args else self.message


class InvalidFormat(ValidationError):
    message = "the value has characters or a structure this identifier never has"


class InvalidLength(ValidationError):
    message = "the value has the wrong length"


class InvalidChecksum(ValidationError):
    message = "the check digit does not match"


class InvalidComponent(ValidationError):
    message = "a part of the value (region, date, prefix …) is not valid"
