"""The playground of ``autograd-mini play``: a local web page on the real engine (issue 21).

``server.create_app()`` is the Starlette application; the pages' data come from ``formula_view`` (a typed formula:
graph, gradients, the backward pass step by step, the four ways, practice), ``network_view`` (training an MLP on a
small data set with the compiled step, a neuron's delta against autodiff) and ``documents_view`` (the documents'
printed formulas with verdicts, typeset as MathML). Everything the page needs is in ``static/``.
"""
