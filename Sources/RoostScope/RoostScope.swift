// RoostScope: in progress.
