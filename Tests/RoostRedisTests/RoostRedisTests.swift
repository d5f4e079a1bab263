// RoostRedisTests: in progress.
