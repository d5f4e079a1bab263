// RoostConfig: in progress.
