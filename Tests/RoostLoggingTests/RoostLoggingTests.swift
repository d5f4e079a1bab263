// RoostLoggingTests: in progress.
