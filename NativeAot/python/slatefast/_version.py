"""The package version: Directory.Build.props' <Version>, which tools/python-wheel/build_wheel.py
checks this against (the wheel is not built while they differ)."""

__version__ = "0.1.0"
