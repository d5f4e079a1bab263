import Foundation
import Hummingbird
import Logging
import RoostConfig
import RoostLogging

// roost-demo: `swift run roost-demo [--host 127.0.0.1] [--port 8080]`
// (or ROOST_HTTP_HOST / ROOST_HTTP_PORT). SIGINT and SIGTERM shut it down gracefully.

let settings: DemoSettings
do {
    settings = try DemoSettings(config: RoostConfiguration.reader())
} catch {
    FileHandle.standardError.write(Data("roost-demo: \(error.message)\n".utf8))
    exit(2)
}
let http = settings.http
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
try await DemoApplication.build(http: http, logger: logger).runService()
