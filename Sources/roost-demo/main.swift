import Foundation
import Hummingbird
import Logging
import RoostConfig
import RoostLogging
import RoostSQL
import ServiceLifecycle

// roost-demo: `swift run roost-demo [--http-port 8080] [--config file.json]` (or
// ROOST_HTTP_HOST / ROOST_HTTP_PORT / ROOST_CONFIG). Products and orders live in SQLite
// under .roost/ unless ROOST_DATABASE_URL names another database; locks, events, caches
// and rate limits stay in this process unless ROOST_REDIS_URL names a Redis server that
// several instances share. SIGINT and SIGTERM shut it down gracefully.

// `roost-demo config print`: the effective configuration and where each value came from.
let settings: DemoSettings
do {
    let configuration = try await RoostConfiguration.load()
    if Array(CommandLine.arguments.dropFirst().prefix(2)) == ["config", "print"] {
        for entry in configuration.entries(for: DemoSettings.keys, builtIn: DemoSettings.builtIn) { print(entry) }
        exit(0)
    }
    settings = try DemoSettings(config: configuration.reader)
} catch {
    FileHandle.standardError.write(Data("roost-demo: \(error.message)\n".utf8))
    exit(2)
}
let logging = settings.logging

let sink = StandardStreamLogSink.standardError
let level = Logger.Level(rawValue: logging.level) ?? .info
LoggingSystem.bootstrap { label in
    switch logging.format {
    case .json: JSONLogHandler(label: label, sink: sink, logLevel: level)
    case .console: ConsoleLogHandler(label: label, sink: sink, logLevel: level)
    case .auto where sink.isTerminal: ConsoleLogHandler(label: label, sink: sink, logLevel: level)
    case .auto: JSONLogHandler(label: label, sink: sink, logLevel: level)
    }
}
let logger = Logger(label: DemoApplication.name)
// Every long-lived part is a service of one root scope; SIGTERM or SIGINT stops them in
// dependency order (see DemoRoot and DemoScope).
let root = DemoRoot.scope(settings: settings, logger: logger)
do {
    try await ServiceGroup(services: [root], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
    logger.info("roost-demo stopped")
} catch {
    logger.critical("roost-demo stopped: \(error)")
    exit(1)
}
