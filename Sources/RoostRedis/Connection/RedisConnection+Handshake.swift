extension RedisConnection {
    /// Negotiates the protocol, authenticates, names the client and selects the database.
    ///
    /// `HELLO 3` does the first three in one round trip. A server that does not know
    /// `HELLO` (before Redis 6) or refuses RESP3 (`NOPROTO`) gets `AUTH` and
    /// `CLIENT SETNAME` separately over RESP2. Credential errors are not retried.
    func handshake() async throws {
        let timeout = configuration.connectTimeout
        if configuration.protocolVersion == .resp3 {
            var hello = RedisCommand("HELLO", 3)
            if let password = configuration.password {
                hello.arguments += ["AUTH", .string(configuration.username ?? "default"), .string(password)]
            }
            if let name = configuration.clientName {
                hello.arguments += ["SETNAME", .string(name)]
            }
            do {
                let reply = try await send(hello, timeout: timeout)
                guard case .map = reply.withoutAttributes else {
                    throw RedisProtocolError.unexpected(reply, expected: "a map from HELLO 3")
                }
                setNegotiatedVersion(.resp3)
            } catch let error as RedisServerError where error.kind == .generic || error.kind == .noProto {
                logger.debug(
                    "Redis refused HELLO 3, falling back to RESP2",
                    metadata: ["address": "\(configuration.address)", "reply": "\(error.serverMessage)"])
                try await handshakeRESP2(timeout: timeout)
            }
        } else {
            try await handshakeRESP2(timeout: timeout)
        }
        if configuration.database != 0 {
            try await send(RedisCommand("SELECT", .integer(Int64(configuration.database))), timeout: timeout)
        }
    }

    private func handshakeRESP2(timeout: Duration) async throws {
        setNegotiatedVersion(.resp2)
        if let password = configuration.password {
            var auth = RedisCommand("AUTH", .string(password))
            if let username = configuration.username { auth.arguments.insert(.string(username), at: 0) }
            try await send(auth, timeout: timeout)
        }
        if let name = configuration.clientName {
            try await send(RedisCommand("CLIENT", "SETNAME", .string(name)), timeout: timeout)
        }
    }
}
