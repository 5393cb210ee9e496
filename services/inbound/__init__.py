"""The inbound direction of two-way services: items back-office systems push to customers (placement
offers), their Postfach notices, reminders and expiry. Prefect-free; the portal and the worker call it."""
