/// Parses database URLs, collecting every problem instead of stopping at the first.
struct DatabaseURLParser {
    private let text: String
    private(set) var problems: [DatabaseURLError.Problem] = []

    init(_ text: String) { self.text = text }

    /// The parsed URL, or nil when it is too broken to continue; ``problems`` lists
    /// everything found either way.
    mutating func parse() -> DatabaseURL? {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            problems.append(.missingScheme)
            return nil
        }
        let scheme = text[..<colon].lowercased()
        let rest = text[text.index(after: colon)...]
        let engine: DatabaseURL.Engine
        switch scheme {
        case "sqlite": engine = .sqlite
        case "postgres", "postgresql": engine = .postgres
        case "mysql", "mariadb": engine = .mysql
        default:
            problems.append(.unsupportedScheme(scheme))
            return nil
        }
        let (body, query) = split(rest, at: "?")
        let location: DatabaseURL.Location?
        if engine == .sqlite {
            location = parseSQLite(body)
        } else if body.hasPrefix("//") {
            location = parseServer(body.dropFirst(2), engine: engine)
        } else {
            problems.append(.missingAuthority(scheme: scheme))
            location = nil
        }
        let options = parseOptions(query, engine: engine)
        guard let location else { return nil }
        return DatabaseURL(engine: engine, location: location, options: options)
    }

    private mutating func parseSQLite(_ body: Substring) -> DatabaseURL.Location? {
        if body == ":memory:" || body == "//:memory:" { return .sqliteMemory }
        guard body.hasPrefix("//") else {
            problems.append(.missingAuthority(scheme: "sqlite"))
            return nil
        }
        let path = body.dropFirst(2)
        guard !path.isEmpty, path != "/" else {
            problems.append(.missingPath)
            return nil
        }
        guard let decoded = decode(path, component: "file path") else { return nil }
        return .sqliteFile(path: decoded)
    }

    private mutating func parseServer(_ body: Substring, engine: DatabaseURL.Engine) -> DatabaseURL.Location? {
        let (authority, pathPart) = split(body, at: "/")
        var username: String?
        var password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let (user, secret) = split(userInfo, at: ":")
            if !user.isEmpty { username = decode(user, component: "user name") }
            if let secret { password = decode(secret, component: "password") }
        }
        let (host, port) = parseHostPort(hostPort, engine: engine)
        var database: String?
        if let pathPart, !pathPart.isEmpty {
            if pathPart.contains("/") {
                problems.append(.invalidDatabaseName(String(pathPart)))
            } else {
                database = decode(pathPart, component: "database name")
            }
        }
        guard let host, let port else { return nil }
        return .server(
            DatabaseURL.ServerAddress(host: host, port: port, username: username, password: password, database: database))
    }

    private mutating func parseHostPort(_ text: Substring, engine: DatabaseURL.Engine) -> (String?, Int?) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                problems.append(.unterminatedIPv6Host)
                return (nil, nil)
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                problems.append(.invalidPort(String(after)))
                return (String(host), nil)
            }
        } else {
            let (name, port) = split(text, at: ":")
            host = name
            portText = port
        }
        if host.isEmpty { problems.append(.missingHost) }
        var port = engine.defaultPort
        if let portText {
            if let number = Int(portText), (1...65_535).contains(number) {
                port = number
            } else {
                problems.append(.invalidPort(String(portText)))
                port = nil
            }
        }
        return (host.isEmpty ? nil : String(host), port)
    }

    private mutating func parseOptions(_ query: Substring?, engine: DatabaseURL.Engine) -> DatabaseOptions {
        var options = DatabaseOptions()
        guard let query, !query.isEmpty else { return options }
        var seen: Set<String> = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (rawName, rawValue) = split(item, at: "=")
            guard let name = decode(rawName, component: "option name") else { continue }
            guard let value = decode(rawValue ?? "", component: "value of \(name)") else { continue }
            let canonical = name == "sslmode" ? "tls" : name
            guard seen.insert(canonical).inserted else {
                problems.append(.duplicateOption(canonical))
                continue
            }
            switch canonical {
            case "maxConnections":
                options.maxConnections = integer(value, option: name, minimum: 1)
            case "minConnections":
                options.minConnections = integer(value, option: name, minimum: 0)
            case "connectTimeout":
                if let seconds = Double(value), seconds > 0, seconds.isFinite, seconds <= 86_400 {
                    options.connectTimeout = .milliseconds(Int64((seconds * 1_000).rounded()))
                } else {
                    problems.append(.invalidOptionValue(option: name, value: value, expected: "a positive number of seconds"))
                }
            case "tls":
                if engine == .sqlite {
                    problems.append(.optionNotSupported(option: name, engine: engine))
                } else if let mode = DatabaseOptions.TLSMode(rawValue: value.lowercased()) {
                    options.tls = mode
                } else {
                    let modes = DatabaseOptions.TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    problems.append(.invalidOptionValue(option: name, value: value, expected: "one of \(modes)"))
                }
            case "readOnly":
                switch value.lowercased() {
                case "true", "1", "yes": options.readOnly = true
                case "false", "0", "no": options.readOnly = false
                default:
                    problems.append(.invalidOptionValue(option: name, value: value, expected: "true or false"))
                }
            default:
                problems.append(.unknownOption(name))
            }
        }
        if let minimum = options.minConnections, let maximum = options.maxConnections, minimum > maximum {
            problems.append(.minimumAboveMaximum(minimum: minimum, maximum: maximum))
        }
        return options
    }

    private mutating func integer(_ value: String, option: String, minimum: Int) -> Int? {
        guard let number = Int(value), number >= minimum else {
            problems.append(.invalidOptionValue(option: option, value: value, expected: "an integer of at least \(minimum)"))
            return nil
        }
        return number
    }

    private mutating func decode(_ text: Substring, component: String) -> String? {
        guard let decoded = PercentEncoding.decode(text) else {
            problems.append(.invalidPercentEncoding(component: component))
            return nil
        }
        return decoded
    }

    /// The text before the first `separator` and, if there is one, the text after it.
    private func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }
}
