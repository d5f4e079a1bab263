// RoostCoreTests: in progress.
