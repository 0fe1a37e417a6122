"""Gold Q&A set, metrics and the regression suite."""
