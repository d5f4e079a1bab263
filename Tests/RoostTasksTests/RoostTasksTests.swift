// RoostTasksTests: in progress.
