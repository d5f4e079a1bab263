// Users configure instrumentation through MySQLConfiguration.instrumentation.
@_exported import struct RoostPoolSupport.DriverInstrumentation
