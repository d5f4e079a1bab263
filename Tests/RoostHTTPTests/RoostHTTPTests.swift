// RoostHTTPTests: in progress.
