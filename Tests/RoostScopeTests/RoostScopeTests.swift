// RoostScopeTests: in progress.
