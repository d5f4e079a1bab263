// roost-lock-stress: one OS process of the multi-process RedisLock safety test.
//
//   roost-lock-stress cycle REDIS_URL KEY COUNT OUT_FILE
//       Acquires KEY COUNT times with random hold times; for each hold writes
//       "<fencing token> <start ns> <end ns>" (monotonic clock, shared by all processes on
//       the machine) to OUT_FILE, and checks a shared Redis counter that must be 1 while held.
//   roost-lock-stress hold REDIS_URL KEY TTL_MS
//       Acquires KEY with TTL_MS, prints "acquired <fencing token> <pid>" and sleeps until killed.
import Foundation
import RoostRedis

#if canImport(Glibc)
import Glibc
#endif

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

struct Failure: Error, CustomStringConvertible {
    let description: String
}

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: roost-lock-stress cycle|hold REDIS_URL KEY ...\n".utf8))
    exit(2)
}
let connection = try await RedisConnection.connect(configuration: RedisConnectionConfiguration(url: arguments[2]))
let lock = RedisLock(client: connection)
let key = arguments[3]

switch arguments[1] {
case "cycle":
    guard arguments.count == 6, let count = Int(arguments[4]) else { exit(2) }
    var lines: [String] = []
    let holders = "\(key):holders"
    for _ in 0..<count {
        let lease = try await lock.acquire(key, ttl: .seconds(5), timeout: .seconds(120))
        let start = monotonicNanoseconds()
        let inside = try await connection.send(RedisCommand("INCR", .string(holders)), timeout: nil).integer
        guard inside == 1 else { throw Failure(description: "\(inside ?? -1) holders at once") }
        try await Task.sleep(for: .microseconds(Int.random(in: 0...1_500)))
        _ = try await connection.send(RedisCommand("DECR", .string(holders)), timeout: nil)
        let end = monotonicNanoseconds()
        guard try await lock.release(lease) else { throw Failure(description: "lease \(lease.fencingToken) expired while held") }
        lines.append("\(lease.fencingToken) \(start) \(end)")
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: arguments[5], atomically: true, encoding: .utf8)
case "hold":
    guard let ttl = Int(arguments[4]) else { exit(2) }
    let lease = try await lock.acquire(key, ttl: .milliseconds(ttl), timeout: .seconds(30))
    FileHandle.standardOutput.write(Data("acquired \(lease.fencingToken) \(getpid())\n".utf8))
    while true { try await Task.sleep(for: .seconds(3_600)) }
default:
    exit(2)
}
try await connection.close()
