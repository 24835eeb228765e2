"""case's use cases, one module each: what happens when an event reaches case, when a DSL
or a school asks it something, and when a deadline's moment comes."""
