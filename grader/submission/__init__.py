"""Loading a submission: reading the file, running it in a child process, taking back data only."""
