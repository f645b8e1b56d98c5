"""The Fellegi–Sunter model: EM, training passes, weights, dependence diagnostics."""
