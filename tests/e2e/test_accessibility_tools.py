"""The accessibility checks need axe-core from the npm registry (tests/e2e/package.json)."""

import pytest

from tests.e2e.journey import AXE_JS


def test_axe_core_is_installed_for_the_accessibility_checks():
    if not AXE_JS.exists():
        pytest.skip(
            f"{AXE_JS} is missing, so the journeys ran WITHOUT accessibility checks: "
            "run `npm ci --prefix tests/e2e` (make test does it when npm is installed)"
        )
    assert AXE_JS.stat().st_size > 100_000
