import Foundation
import Configuration
import RoostConfig

/// Every setting the demo reads, validated together so one run reports every problem.
struct DemoSettings {
    var http = HTTPSettings()
    var logging = LoggingSettings()
    var database = DatabaseSettings()
    /// Redis when `redis.url` (`ROOST_REDIS_URL`) is set or `coordination.backend` is
    /// `redis`; nil keeps locks, events, caches and rate limits in this process.
    var redis: RedisSettings?
    /// The prefix of every key the demo creates on Redis (`coordination.keyPrefix`).
    var coordination = CoordinationSettings()
    var demo = DemoOptions()

    /// Every key the demo reads, for `roost-demo config print`.
    static let keys =
        ["config"] + HTTPSettings.keys + LoggingSettings.keys + DatabaseSettings.keys + RedisSettings.keys
        + CoordinationSettings.keys + DemoOptions.keys

    /// The built-in defaults of every key, for `roost-demo config print`.
    static var builtIn: [String: String] {
        HTTPSettings().textValues.merging(LoggingSettings().textValues) { $1 }
            .merging(DatabaseSettings().textValues) { $1 }
            .merging(CoordinationSettings().textValues) { $1 }.merging(DemoOptions().textValues) { $1 }
    }

    /// Settings given directly (tests).
    init(
        http: HTTPSettings = HTTPSettings(), database: DatabaseSettings, redis: RedisSettings? = nil,
        coordination: CoordinationSettings = CoordinationSettings(), demo: DemoOptions
    ) {
        self.http = http
        self.database = database
        self.redis = redis
        self.coordination = coordination
        self.demo = demo
    }

    init(config: ConfigReader) throws(ConfigurationError) {
        var problems: [ConfigurationProblem] = []
        do { http = try HTTPSettings(config: config) } catch { problems += error.problems }
        do { logging = try LoggingSettings(config: config) } catch { problems += error.problems }
        do { database = try DatabaseSettings(config: config) } catch { problems += error.problems }
        do { coordination = try CoordinationSettings(config: config) } catch { problems += error.problems }
        if config.string(forKey: "redis.url") != nil || coordination.backend == .redis {
            do { redis = try RedisSettings(config: config) } catch { problems += error.problems }
        }
        do { demo = try DemoOptions(config: config) } catch { problems += error.problems }
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}

/// The demo's own settings.
///
/// | key | environment | default |
/// |---|---|---|
/// | `demo.dataDirectory` | `ROOST_DEMO_DATA_DIRECTORY` | `.roost` |
/// | `demo.writesPerMinute` | `ROOST_DEMO_WRITES_PER_MINUTE` | `120` |
/// | `demo.maxImageBytes` | `ROOST_DEMO_MAX_IMAGE_BYTES` | `1048576` |
/// | `demo.lockWaitSeconds` | `ROOST_DEMO_LOCK_WAIT_SECONDS` | `30` |
/// | `demo.outboxGraceSeconds` | `ROOST_DEMO_OUTBOX_GRACE_SECONDS` | `10` |
struct DemoOptions: Sendable, Equatable {
    /// Where uploaded product images are kept (share it between instances).
    var dataDirectory = ".roost"
    /// Write requests (POST) allowed per client IP and minute.
    var writesPerMinute = 120
    /// The largest product image accepted.
    var maxImageBytes = 1 << 20
    /// How long an order waits for its product's lock before answering 503.
    var lockWaitSeconds = 30
    /// How long an order's event may stay unpublished before the outbox relay publishes it.
    var outboxGraceSeconds = 10

    static let keys = [
        "demo.dataDirectory", "demo.writesPerMinute", "demo.maxImageBytes", "demo.lockWaitSeconds",
        "demo.outboxGraceSeconds",
    ]

    var textValues: [String: String] {
        [
            "demo.dataDirectory": dataDirectory, "demo.writesPerMinute": String(writesPerMinute),
            "demo.maxImageBytes": String(maxImageBytes), "demo.lockWaitSeconds": String(lockWaitSeconds),
            "demo.outboxGraceSeconds": String(outboxGraceSeconds),
        ]
    }

    init(
        dataDirectory: String = ".roost", writesPerMinute: Int = 120, maxImageBytes: Int = 1 << 20,
        lockWaitSeconds: Int = 30, outboxGraceSeconds: Int = 10
    ) {
        self.dataDirectory = dataDirectory
        self.writesPerMinute = writesPerMinute
        self.maxImageBytes = maxImageBytes
        self.lockWaitSeconds = lockWaitSeconds
        self.outboxGraceSeconds = outboxGraceSeconds
    }

    init(config: ConfigReader) throws(ConfigurationError) {
        var problems: [ConfigurationProblem] = []
        func integer(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = config.string(forKey: ConfigKey(key)) ?? config.int(forKey: ConfigKey(key)).map(String.init)
            else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                problems.append(ConfigurationProblem(
                    key: key, value: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return nil
            }
            return value
        }
        if let directory = config.string(forKey: "demo.dataDirectory") {
            if directory.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(ConfigurationProblem(key: "demo.dataDirectory", value: directory, expected: "a directory path"))
            } else {
                dataDirectory = directory
            }
        }
        if let value = integer("demo.writesPerMinute", 1...1_000_000) { writesPerMinute = value }
        if let value = integer("demo.maxImageBytes", 1_024...(64 << 20)) { maxImageBytes = value }
        if let value = integer("demo.lockWaitSeconds", 1...600) { lockWaitSeconds = value }
        if let value = integer("demo.outboxGraceSeconds", 1...86_400) { outboxGraceSeconds = value }
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}
