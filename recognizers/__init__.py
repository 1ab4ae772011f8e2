"""Chinese personal-identifier recognizers: one module per identifier, python-stdnum style, each with its
Presidio recognizer for language ``zh``."""
