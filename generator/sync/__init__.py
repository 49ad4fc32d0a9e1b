"""Writing a run to disk safely: the plan against what is there, the staged apply with its journal,
the manifest of what scaffold wrote, the project lock, paths kept inside the project."""
