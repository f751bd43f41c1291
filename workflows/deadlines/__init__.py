"""Time limits in law: the working-day calendar (法定工作日), Civil Code periods, due dates and
oversight levels (电子监察)."""
