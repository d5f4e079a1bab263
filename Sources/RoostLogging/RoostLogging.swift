// RoostLogging: in progress.
