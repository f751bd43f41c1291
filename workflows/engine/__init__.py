"""Running SpiffWorkflow: parsing and deployment checks, the sandbox and its limits, script
functions and service operations, timers, how task data moves, saving a case and the tables
derived from it."""
