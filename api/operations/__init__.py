"""HTTP for the approval operations beyond claim and complete (``workflows.operations``):
return, withdraw, transfer, delegate, signers, comments, substitutes, bulk actions."""
