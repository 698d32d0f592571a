"""certpath: a knowledge graph of roles, competencies and certifications; exact learning paths."""

from __future__ import annotations

__version__ = "0.1.0"
