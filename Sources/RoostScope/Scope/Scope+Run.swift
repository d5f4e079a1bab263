import Logging

/// The engine that runs a scope's body together with the tasks spawned in it.
extension Scope {
    /// What a child task of a scope's group produced.
    enum ChildOutcome<R: Sendable>: Sendable {
        case body(Result<R, any Error>)
        case spawned((any Error)?)
    }

    /// Runs `body` in a task group that also hosts the scope's spawned tasks and obeys
    /// cancellation requests from the registry. Returns once the body and every spawned
    /// task have finished; spawned tasks still running when the body ends are cancelled.
    func runBody<R: Sendable>(_ body: @Sendable () async throws -> R) async -> Result<R, any Error> {
        await withoutActuallyEscaping(body) { body in
            await withTaskGroup(of: ChildOutcome<R>.self) { group in
                guard let mailbox = self.mailbox else {
                    preconditionFailure("only the root body and usage blocks run in a task group")
                }
                group.addTask {
                    let result: Result<R, any Error>
                    do {
                        result = .success(try await body())
                    } catch {
                        result = .failure(error)
                    }
                    mailbox.post(.bodyFinished)
                    return .body(result)
                }
                loop: while let job = await mailbox.next() {
                    switch job {
                    case .spawn(let operation):
                        group.addTask {
                            do {
                                try await operation()
                                return .spawned(nil)
                            } catch is CancellationError {
                                return .spawned(nil)
                            } catch {
                                mailbox.post(.cancel)
                                return .spawned(error)
                            }
                        }
                    case .start(let operation):
                        group.addTask {
                            await operation()
                            return .spawned(nil)
                        }
                    case .cancel:
                        group.cancelAll()
                    case .bodyFinished:
                        break loop
                    }
                }
                mailbox.close()
                group.cancelAll()

                var bodyResult: Result<R, any Error> = .failure(CancellationError())
                var spawnErrors: [any Error] = []
                for await child in group {
                    switch child {
                    case .body(let result): bodyResult = result
                    case .spawned(let error?): spawnErrors.append(error)
                    case .spawned(nil): break
                    }
                }
                return Scope.combine(bodyResult, spawnErrors: spawnErrors, scope: name, logger: registry.logger)
            }
        }
    }

    /// A body's result together with the errors of the tasks spawned beside it: the
    /// body's own error first (unless it was only cancelled), then the spawned ones.
    static func combine<R>(
        _ bodyResult: Result<R, any Error>, spawnErrors: [any Error], scope: String, logger: Logger
    ) -> Result<R, any Error> {
        guard !spawnErrors.isEmpty else { return bodyResult }
        var errors = spawnErrors
        if case .failure(let error) = bodyResult, !(error is CancellationError) {
            errors.insert(error, at: 0)
        }
        for error in spawnErrors {
            logger.debug("spawned task failed", metadata: ["scope": .string(scope), "error": "\(error)"])
        }
        return .failure(errors.count == 1 ? errors[0] : ScopeFailures(errors: errors))
    }
}
