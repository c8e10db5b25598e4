"""Charts of the comparison tables; moved to :mod:`framing.report.charts` (this name keeps working)."""

from framing.report.charts import *  # noqa: F403
from framing.report.charts import __all__, save_figure  # noqa: F401
