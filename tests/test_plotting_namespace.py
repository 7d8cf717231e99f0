"""course_lib.plotting re-exports every chapter's figures: no two chapters may use the same name."""

import importlib

import course_lib.plotting

MODULES = ["losses", "graphs", "networks", "descent", "training", "digits"]


def test_plotting_submodules_do_not_shadow_each_other():
    seen = {}
    for name in MODULES:
        module = importlib.import_module(f"course_lib.plotting.{name}")
        for public in module.__all__:
            assert public not in seen, f"{public} defined in both plotting.{seen[public]} and plotting.{name}"
            seen[public] = name
            assert getattr(course_lib.plotting, public) is getattr(module, public)
