// RoostNTPTests: in progress.
