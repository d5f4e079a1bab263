// Users configure instrumentation through RedisConnectionConfiguration.instrumentation.
@_exported import struct RoostPoolSupport.DriverInstrumentation
