"""The approval operations Chinese clerks expect beyond claim and complete: return (退回),
withdraw (撤回), transfer (转办), delegate (委派), added signers (加签/减签), comments (意见),
substitutes (代理), automatic approval and supervisors' bulk actions. Each use case opens one
unit of work, checks the step's ``allowedOperations`` (``workflows.access.operation_allowed``)
and records its audit event, so the case history shows who did what, when and why."""
