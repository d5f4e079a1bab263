// RoostHTTP: in progress.
