import Foundation
import Hummingbird
import Logging
import RoostConfig

// roost-demo: `swift run roost-demo [--host 127.0.0.1] [--port 8080]`
// (or ROOST_HTTP_HOST / ROOST_HTTP_PORT). SIGINT and SIGTERM shut it down gracefully.

let logger = Logger(label: DemoApplication.name)
let http: HTTPSettings
do {
    http = try HTTPSettings(config: RoostConfiguration.reader())
} catch {
    FileHandle.standardError.write(Data("roost-demo: \(error.message)\n".utf8))
    exit(2)
}
try await DemoApplication.build(http: http, logger: logger).runService()
