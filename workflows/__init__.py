"""The engine service: use cases on top, capability packages below (see docs/architecture.md).

Importing it installs nothing; ``workflows.wiring.register()`` plugs the packages together.
"""
