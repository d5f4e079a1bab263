// RoostMySQLTests: in progress.
