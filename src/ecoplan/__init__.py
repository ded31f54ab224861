"""ecoplan — 内蒙古生态环境保护规划实施监测评估预警系统.

Monitoring, assessment and early warning for Inner Mongolia's eco-environment plans.
Layers import downward only: standards → model → store → ingest/assess/warn →
report/api/cli.
"""

__version__ = "0.1.0"
