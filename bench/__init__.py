"""Benchmarks of frontline: speed, memory and scaling on a synthetic corpus (``python -m bench``).

Modules: :mod:`bench.corpus` (the deterministic corpus generator), :mod:`bench.measure` (one
measurement per process), :mod:`bench.mapbench` (map build and headless Chromium) and
:mod:`bench.report` (the table). Results go to ``bench/out/`` (ignored by git).
"""
