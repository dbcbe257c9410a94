"""Every safeguard rule, one module per area of the guide. Importing this package registers
them; haven.safeguards.apps imports it at start-up."""

from haven.safeguards.rules import (  # noqa: F401
    continuity,
    identification,
    information,
    interviews,
    placements,
    protection,
)
