"""The registries (一单两库): people pools, institutions, check items, conflicts of interest,
CSV import, registry references in forms, and application restrictions (bans)."""
