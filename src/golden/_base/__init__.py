"""The base layer: the estimator contract, specs, threads, progress bars and numpy pair kernels."""
