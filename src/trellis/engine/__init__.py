"""The Trellis engine: mastery models, simulation, grouping, recommendation,
progress monitoring and the continuum computation.

Pure Python + NumPy/SciPy. It imports nothing from Django or from the rest of
Trellis (an import-linter contract in ``make test`` enforces this), so that it
can be fit, benchmarked and reasoned about on its own.
"""
