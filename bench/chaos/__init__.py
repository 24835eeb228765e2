"""`make chaos`: a steady stream of concerns and police batches while every part of Harbour
is killed in turn, then the accounting of what was accepted against what was stored.

Touches nothing shared: the runner starts its own FerretDB and its own RabbitMQ node (own
ports, data directories and node name) and its own service processes, and removes them at
the end. See docs/reliability.md."""
