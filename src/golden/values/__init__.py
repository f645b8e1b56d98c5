"""Values: normalisers (vectorised and per value) and column expressions (``col``)."""
