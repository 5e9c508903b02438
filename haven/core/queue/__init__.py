"""The job queue's own bookkeeping (issue 18 item 5): which workers are alive, and which
event reactions have been delivered. An app of its own because `haven.core` is not one
(ADR 0005); the logic is in `haven.core.jobs` and `haven.core.events`."""
