"""The weekly digest: consent, tokens, composing, rendering and sending over SMTP.

The only package that talks SMTP. It never opens the warehouse or imports prefect:
`warehouse.digest_store` reads and writes subscribers and the outbox, and
`flows.digest_run` sequences the two.
"""
