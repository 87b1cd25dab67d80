"""grader: an autograder for Keras homework that measures every figure it grades itself."""

__version__ = "0.1.0"
