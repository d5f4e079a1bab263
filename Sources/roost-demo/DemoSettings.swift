import Configuration
import RoostConfig

/// Every setting the demo reads, validated together so one run reports every problem.
struct DemoSettings {
    var http = HTTPSettings()
    var logging = LoggingSettings()
    var database = DatabaseSettings()

    /// Every key the demo reads, for `roost-demo config print`.
    static let keys = ["config"] + HTTPSettings.keys + LoggingSettings.keys + DatabaseSettings.keys

    /// The built-in defaults of every key, for `roost-demo config print`.
    static var builtIn: [String: String] {
        HTTPSettings().textValues.merging(LoggingSettings().textValues) { $1 }
            .merging(DatabaseSettings().textValues) { $1 }
    }

    init(config: ConfigReader) throws(ConfigurationError) {
        var problems: [ConfigurationProblem] = []
        do { http = try HTTPSettings(config: config) } catch { problems += error.problems }
        do { logging = try LoggingSettings(config: config) } catch { problems += error.problems }
        do { database = try DatabaseSettings(config: config) } catch { problems += error.problems }
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}
