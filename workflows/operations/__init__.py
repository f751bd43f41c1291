"""The approval operations clerks expect beside completing a task: return (退回), withdraw
(撤回), transfer, delegate, add or remove signers. Each checks who may do it, records who,
when and why in the audit trail, and runs in one unit of work."""
