import Configuration

/// One effective setting: its value (secrets redacted) and the layer it came from.
public struct ConfigurationEntry: Sendable, Equatable, CustomStringConvertible {
    /// The dotted key.
    public var key: String
    /// The value as text, redacted when secret; `nil` when no layer sets it and no
    /// built-in default is known.
    public var value: String?
    /// The layer that set it, or `built-in default`.
    public var source: String

    /// `http.port = 9000  (environment)`.
    public var description: String { "\(key) = \(value ?? "<unset>")  (\(source))" }
}

extension RoostConfiguration {
    /// The effective value of each key and the layer it came from, for `config print`.
    ///
    /// Values of keys that look secret (`password`, `secret`, `token`, `key`) are shown as
    /// `<redacted>`, and passwords inside URLs as `***`. Keys no layer sets show their
    /// value from `builtIn` (a settings type's ``HTTPSettings/textValues``, say).
    public func entries(for keys: [String], builtIn: [String: String] = [:]) -> [ConfigurationEntry] {
        keys.map { key in
            for layer in layers {
                if let text = Self.text(in: layer.provider, key: key) {
                    return ConfigurationEntry(key: key, value: Self.redact(text, key: key), source: layer.name)
                }
            }
            return ConfigurationEntry(
                key: key, value: builtIn[key].map { Self.redact($0, key: key) }, source: "built-in default")
        }
    }

    /// A value as text, whatever its type in the layer.
    static func text(in provider: any ConfigProvider, key: String) -> String? {
        let absolute = AbsoluteConfigKey(ConfigKey(key))
        for type in [ConfigType.string, .int, .double, .bool, .stringArray] {
            guard let result = try? provider.value(forKey: absolute, type: type), let value = result.value else {
                continue
            }
            switch value.content {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .double(let number): return String(number)
            case .bool(let flag): return String(flag)
            case .stringArray(let texts): return texts.joined(separator: ",")
            default: return String(describing: value.content)
            }
        }
        return nil
    }

    /// Hides secrets: whole values of secret-looking keys, passwords in URLs.
    static func redact(_ value: String, key: String) -> String {
        let lowered = key.lowercased()
        if ["password", "secret", "token", "apikey", "api_key", "privatekey"].contains(where: lowered.contains) {
            return "<redacted>"
        }
        guard let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].firstIndex(of: "@"),
            let colon = value[scheme.upperBound..<at].firstIndex(of: ":")
        else { return value }
        return String(value[..<value.index(after: colon)]) + "***" + String(value[at...])
    }
}
