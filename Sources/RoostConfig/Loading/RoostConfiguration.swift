import Configuration
import Foundation

/// Builds the layered configuration every Roost program reads its settings from.
///
/// Values are looked up in this order, the first that has the key wins:
/// 1. command-line flags: `--port 9000` (for `http.*` keys the section may be left
///    out, so `--port` and `--http-port` both set `http.port`);
/// 2. environment variables with the `ROOST_` prefix: `ROOST_HTTP_PORT=9000`;
/// 3. the defaults passed in (then each section's own defaults).
///
/// ```swift
/// let config = RoostConfiguration.reader()
/// let http = try HTTPSettings(config: config)
/// ```
public enum RoostConfiguration {
    /// The prefix of Roost's environment variables.
    public static let environmentPrefix = "roost"

    /// Returns a reader over command-line flags, `ROOST_*` environment variables and `defaults`.
    ///
    /// - Parameters:
    ///   - arguments: The process arguments, the program name first.
    ///   - environment: The environment variables.
    ///   - defaults: Lowest-priority values, keyed by dotted key such as `http.port`.
    public static func reader(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaults: [AbsoluteConfigKey: ConfigValue] = [:]
    ) -> ConfigReader {
        let flags = CommandLineArgumentsProvider(arguments: arguments)
        let providers: [any ConfigProvider] = [
            flags.mapKeys(Self.httpShorthand),
            flags,
            EnvironmentVariablesProvider(environmentVariables: environment)
                .prefixKeys(with: ConfigKey([environmentPrefix])),
            InMemoryProvider(name: "defaults", values: defaults),
        ]
        return ConfigReader(providers: providers)
    }

    /// Maps `http.port` to `port`, so the HTTP flags need no section prefix.
    @Sendable private static func httpShorthand(_ key: AbsoluteConfigKey) -> AbsoluteConfigKey {
        guard key.components.first == "http", key.components.count > 1 else { return key }
        return AbsoluteConfigKey(Array(key.components.dropFirst()), context: key.context)
    }
}
