"""`ozgflow benchmark`: the pipeline's throughput and latency as ratios against baselines measured in the
same run (DESIGN.md section 7: the machines are shared and noisy, so absolute numbers mean little).

Phases, each on a fresh database with the same N accepted submissions:
(a) ``raw``: the stages through ``PipelineRunner`` directly, no Prefect — the floor;
(b) ``ozgflow``: pipeline workers (``PipelineWorker.run_once`` loops) against a real Prefect server;
(c) ``naive``: one Prefect flow run per submission — what principle 4 argues against.
"""
