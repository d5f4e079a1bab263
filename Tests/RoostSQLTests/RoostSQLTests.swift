// RoostSQLTests: in progress.
