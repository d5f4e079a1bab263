// RoostCryptoTests: in progress.
