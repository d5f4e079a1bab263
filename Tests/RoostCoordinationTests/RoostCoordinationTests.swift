// RoostCoordinationTests: in progress.
