// RoostDemoTests: in progress.
