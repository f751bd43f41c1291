"""The e-government portal (政务服务网): signed requests, clients, case records, applicant
actions, the outbox and webhook delivery, the rate limit's storage."""
