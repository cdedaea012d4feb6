"""kamreport — survey analysis and reporting for key-account management."""

__version__ = "0.1.0"
