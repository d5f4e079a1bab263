// bench-scope: in progress.
