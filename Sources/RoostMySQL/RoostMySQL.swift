// RoostMySQL: in progress.
