"""Fuzz targets for psoaspdf's untrusted inputs: YAML files and image files.

Run one with ``python -m fuzz TARGET --minutes 5`` from the repository root; see docs/fuzzing.md.
"""
