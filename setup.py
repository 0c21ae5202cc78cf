"""The one thing pyproject.toml cannot say without a warning: the optional compiled wake-up queue.

``gas_emulator._wakeheap`` (``gas_emulator/_wakeheap.c``) is built when a C compiler and the Python
headers are there; without them the build goes on and ``gas_emulator/wakeups.py`` uses the same queue
in Python. Everything else is in pyproject.toml.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("gas_emulator._wakeheap", sources=["gas_emulator/_wakeheap.c"], optional=True)])
