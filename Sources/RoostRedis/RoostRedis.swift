// RoostRedis: in progress.
