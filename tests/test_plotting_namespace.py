"""course_lib.plotting re-exports every chapter's figures: no two chapters may use the same name."""

import importlib

import course_lib.plotting

PLOTTING = __import__("pathlib").Path(course_lib.plotting.__file__).parent
MODULES = sorted(p.stem for p in PLOTTING.glob("*.py") if p.stem != "__init__")


def test_every_plotting_module_is_re_exported():
    source = (PLOTTING / "__init__.py").read_text()
    for name in MODULES:
        assert f"from course_lib.plotting.{name} import *" in source, f"plotting/__init__.py misses {name}"


def test_plotting_submodules_do_not_shadow_each_other():
    seen = {}
    for name in MODULES:
        module = importlib.import_module(f"course_lib.plotting.{name}")
        for public in module.__all__:
            assert public not in seen, f"{public} defined in both plotting.{seen[public]} and plotting.{name}"
            seen[public] = name
            assert getattr(course_lib.plotting, public) is getattr(module, public)
