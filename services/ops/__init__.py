"""The operators' view of the pipeline: overview, time series, SLO status, lookup, retry and dependency health.

Everything here reads or changes metadata only (ids, receipt numbers, services, jobcenters, stages, states,
attempts, timestamps, error codes): operators must never see form content, names or BG numbers (principle 9).
Queries aggregate in SQL so the dashboard stays fast at millions of submissions.
"""
