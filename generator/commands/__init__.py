"""What each command does, over the pipeline: generate, validate, destroy, a new project, the
output a person reads, the IDE files."""
