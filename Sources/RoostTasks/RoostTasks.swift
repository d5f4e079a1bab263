// RoostTasks: in progress.
