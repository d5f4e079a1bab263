// RoostSQL: in progress.
