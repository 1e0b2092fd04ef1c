"""The rule book: TOML data shipped inside the package as ``symderiv.rules``."""
