"""psoaspdf: printable, clinic-branded patient handouts from plain YAML."""

__version__ = "0.1.0"
