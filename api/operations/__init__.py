"""HTTP for the approval operations beyond claim and complete (``workflows.operations``)."""
