"""Trellis: a learning platform on which a class runs differentiation,
individualization and personalization side by side."""

__version__ = "0.1.0"
