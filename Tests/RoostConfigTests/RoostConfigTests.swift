// RoostConfigTests: in progress.
