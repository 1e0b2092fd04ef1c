"""Pictures of symderiv's results, as matplotlib Figures (issue 12)."""
