// RoostExportTests: in progress.
