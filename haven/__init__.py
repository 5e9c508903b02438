"""Haven: one system for the police and partner response to domestic abuse."""
