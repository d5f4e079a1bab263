// RoostNTP: in progress.
