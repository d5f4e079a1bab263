// RoostCoordination: in progress.
