"""Benchmark harness: Candidly against a no-op FastAPI reference, same server, same load, same run."""
