"""The OZG roadmap: roadmap.yaml and the code that reads it (stages, maturity, rollout per jobcenter, SLOs)."""

from roadmap.errors import RoadmapError
from roadmap.model import Roadmap, RolloutState, Slo, load_roadmap

__all__ = ["Roadmap", "RoadmapError", "RolloutState", "Slo", "load_roadmap"]
