// RoostCrypto: in progress.
