"""deid — make Chinese beneficiary rosters safe to publish."""

__version__ = "0.1.0"
