"""intake's use cases, one module each: what happens when a school, a member of staff or
a police force asks intake for something."""
