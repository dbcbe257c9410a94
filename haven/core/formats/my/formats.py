# Burmese dates as Lao ones: day/month/year in figures (haven.core.formats).
from haven.core.formats.lo.formats import *  # noqa: F403
