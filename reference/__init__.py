"""The bundled reference packs (`claimaudit.bundled`), shipped as package data.

Each folder here is a pack (`pack.yaml` and its claim and study files); see README.md.
This file only makes the folder the `claimaudit.bundled` subpackage, so the packs install with
claimaudit (pyproject.toml maps it onto reference/); it holds no code.
"""
