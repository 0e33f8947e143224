"""Training library behind ``emotext train``: corpus checks, public-data loaders, trainer, calibration."""
