"""The generic pipeline without Prefect: stage contract, ledger-backed runner, outcomes.

flows/ wraps this in Prefect flows and tasks; tests and benchmarks can drive it directly.
"""
