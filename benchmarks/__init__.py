"""Benchmarks and load tests: scripts that print measurements; the test suite runs them small so they cannot rot."""
