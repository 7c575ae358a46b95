"""The local service directory, on the Open Referral UK 3.0 data standard."""
