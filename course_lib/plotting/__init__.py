"""Figures for every chapter, one module per chapter's topic.

Each function draws on a given ``ax`` (or makes its own figure) and returns what it drew, so a
notebook cell ends with ``plt.show()``. Plotting imports the math modules, never the reverse.
"""

from course_lib.plotting.descent import *  # noqa: F401,F403  (chapter 4)
from course_lib.plotting.digits import *  # noqa: F401,F403  (chapter 6)
from course_lib.plotting.graphs import *  # noqa: F401,F403  (chapter 2)
from course_lib.plotting.losses import *  # noqa: F401,F403  (chapter 1)
from course_lib.plotting.networks import *  # noqa: F401,F403  (chapter 3)
from course_lib.plotting.training import *  # noqa: F401,F403  (chapter 5)
from course_lib.plotting.curvature import *  # noqa: F401,F403  (chapter 5: curvature)
from course_lib.plotting.validation import *  # noqa: F401,F403  (chapter 6: validation)
