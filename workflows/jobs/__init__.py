"""The job executor (leases, retries, incidents) and its handlers: timers, cases started by
cases."""
