import Configuration
import Foundation
import SystemPackage

/// The layered configuration every Roost program reads its settings from.
///
/// Values are looked up in this order; the first layer that has a key wins:
/// 1. command-line flags: `--port 9000` (for `http.*` keys the section may be left
///    out, so `--port` and `--http-port` both set `http.port`);
/// 2. environment variables with the `ROOST_` prefix: `ROOST_HTTP_PORT=9000`;
/// 3. a JSON or YAML file named by `--config PATH` or `ROOST_CONFIG`, its format
///    chosen by the extension (`.json`, `.yaml`, `.yml`): `{"http": {"port": 9000}}` or
///    `http:\n  port: 9000`;
/// 4. the defaults passed in (then each section's own defaults).
///
/// ```swift
/// let configuration = try await RoostConfiguration.load()
/// let http = try HTTPSettings(config: configuration.reader)
/// for entry in configuration.entries(for: HTTPSettings.keys) { print(entry) }  // value and source
/// ```
public struct RoostConfiguration: Sendable {
    /// One source of values, with the name shown in ``entries(for:)``.
    public struct Layer: Sendable {
        /// A short name: `command line`, `environment`, `file <path>`, `defaults`.
        public var name: String
        /// The provider holding the values.
        public var provider: any ConfigProvider
    }

    /// The prefix of Roost's environment variables.
    public static let environmentPrefix = "roost"

    /// The sources, highest priority first.
    public let layers: [Layer]
    /// A reader over all layers.
    public let reader: ConfigReader

    /// Creates a configuration over layers given highest priority first.
    public init(layers: [Layer]) {
        self.layers = layers
        self.reader = ConfigReader(providers: layers.map(\.provider))
    }

    /// Loads the layers: flags, `ROOST_*` environment, the optional JSON or YAML file and
    /// `defaults`.
    ///
    /// - Throws: ``ConfigurationError`` when the file named by `--config`/`ROOST_CONFIG`
    ///   has an unknown extension, cannot be read, or does not parse.
    public static func load(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaults: [AbsoluteConfigKey: ConfigValue] = [:]
    ) async throws(ConfigurationError) -> RoostConfiguration {
        let flags = CommandLineArgumentsProvider(arguments: arguments)
        let variables = EnvironmentVariablesProvider(environmentVariables: environment)
            .prefixKeys(with: ConfigKey([environmentPrefix]))
        var layers = [
            Layer(name: "command line", provider: flags.mapKeys(Self.httpShorthand)),
            Layer(name: "command line", provider: flags),
            Layer(name: "environment", provider: variables),
        ]
        let path = ConfigReader(providers: [flags, variables]).string(forKey: "config")
        if let path {
            let source = ConfigReader(provider: flags).string(forKey: "config") != nil ? "command line" : "environment"
            layers.append(Layer(name: "file \(path)", provider: try await Self.fileProvider(path, source: source)))
        }
        layers.append(Layer(name: "defaults", provider: InMemoryProvider(name: "defaults", values: defaults)))
        return RoostConfiguration(layers: layers)
    }

    /// Maps `http.port` to `port`, so the HTTP flags need no section prefix.
    @Sendable private static func httpShorthand(_ key: AbsoluteConfigKey) -> AbsoluteConfigKey {
        guard key.components.first == "http", key.components.count > 1 else { return key }
        return AbsoluteConfigKey(Array(key.components.dropFirst()), context: key.context)
    }

    /// The file formats by extension.
    enum FileFormat: String {
        case json, yaml

        init?(path: String) {
            switch FilePath(path).extension?.lowercased() {
            case "json": self = .json
            case "yaml", "yml": self = .yaml
            default: return nil
            }
        }
    }

    private static func fileProvider(_ path: String, source: String) async throws(ConfigurationError)
        -> any ConfigProvider
    {
        guard let format = FileFormat(path: path) else {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    key: "config", value: path, expected: "a file ending in .json, .yaml or .yml", source: source)
            ])
        }
        do {
            switch format {
            case .json: return try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
            case .yaml: return try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
            }
        } catch {
            let kind = format == .json ? "JSON" : "YAML"
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    key: "config", value: path, expected: "a readable \(kind) file (\(Self.reason(error)))",
                    source: source)
            ])
        }
    }

    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
