"""Benchmarks for perfkit, run by `make bench` (never by `make test`)."""
