"""Routes of the approval operations on tasks: return, withdraw, transfer, delegate, signers."""
