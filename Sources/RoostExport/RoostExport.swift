// RoostExport: in progress.
