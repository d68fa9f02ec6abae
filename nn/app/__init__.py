"""The application on top of the library: the ``autograd-mini`` command, the tour and the plots.

Only this package parses arguments, prints and writes pictures; everything below it (``nn``, ``nn.crosscheck``,
``autograd_mini``) returns values and raises errors.
"""
