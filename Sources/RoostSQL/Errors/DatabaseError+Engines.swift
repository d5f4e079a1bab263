import PostgresNIO
import RoostCore
import SQLiteNIO

extension DatabaseError {
    /// `error` translated into a ``DatabaseError`` when it comes from an engine or the
    /// pool; Roost errors and cancellation pass through unchanged.
    static func translating(_ error: any Error, engine: DatabaseURL.Engine) -> any Error {
        if let translated = fromMySQL(error) { return translated }
        switch error {
        case is any RoostError, is CancellationError:
            return error
        case let error as SQLiteError:
            return fromSQLite(error)
        case let error as PSQLError:
            return fromPostgres(error)
        case is DecodingError:
            return DatabaseError(
                .decodingFailed, "A row did not match the requested type: \(error); check column names and types.",
                underlying: error)
        default:
            return DatabaseError(.queryFailed, "The \(engine.rawValue) statement failed: \(error).", underlying: error)
        }
    }

    private static func fromSQLite(_ error: SQLiteError) -> DatabaseError {
        switch error.reason {
        case .constraint, .constraintCheckFailed, .constraintCommitHookFailed, .constraintForeignKeyFailed,
            .constraintUserFunctionFailed, .constraintNotNullFailed, .constraintPrimaryKeyFailed,
            .constraintTriggerFailed, .constraintUniqueFailed, .constraintVirtualTableFailed,
            .constraintUniqueRowIDFailed, .constraintUpdateTriggerDeletedRow, .constraintStrictDataTypeFailed:
            return DatabaseError(
                .constraintViolation, "SQLite refused the change: \(error.message).", engineMessage: error.message,
                underlying: error)
        case .readOnly, .readonlyCantLock, .readonlyDirectory, .readonlyInRecovery, .readonlyInRollback,
            .readonlyBackingMoved:
            return DatabaseError(
                .readOnly, "SQLite refused a write: \(error.message); the database is read-only.",
                engineMessage: error.message, underlying: error)
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked:
            return DatabaseError(
                .queryFailed,
                "SQLite stayed locked by another writer longer than the busy timeout: \(error.message); keep write transactions short.",
                engineMessage: error.message, underlying: error)
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenCygwinPath, .cantOpenUnfollowedSymlink,
            .notADatabase, .permission:
            return DatabaseError(
                .connectionFailed,
                "SQLite could not open the database file: \(error.message); check the path and its permissions.",
                engineMessage: error.message, underlying: error)
        default:
            return DatabaseError(
                .queryFailed, "SQLite failed the statement: \(error.message).", engineMessage: error.message,
                underlying: error)
        }
    }

    private static func fromPostgres(_ error: PSQLError) -> DatabaseError {
        guard error.code == .server, let info = error.serverInfo else {
            switch error.code {
            case .connectionError, .sslUnsupported, .failedToAddSSLHandler, .serverClosedConnection,
                .uncleanShutdown, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
                let cause = error.underlying.map { String(describing: $0) } ?? error.code.description
                return DatabaseError(
                    .connectionFailed,
                    "Could not talk to PostgreSQL (\(cause)); check that the server runs and the URL's host, port and credentials.",
                    underlying: error)
            case .clientClosedConnection, .poolClosed:
                return DatabaseError(.closed, "The PostgreSQL connection is closed; open a new client.", underlying: error)
            default:
                return DatabaseError(.queryFailed, "PostgreSQL failed: \(error.code).", underlying: error)
            }
        }
        let state = info[.sqlState] ?? ""
        var text = info[.message] ?? "unknown error"
        if let detail = info[.detail] { text += " (\(detail))" }
        switch state {
        case _ where state.hasPrefix("23"):
            return DatabaseError(
                .constraintViolation, "PostgreSQL refused the change: \(text).", engineMessage: text, underlying: error)
        case "25006":
            return DatabaseError(
                .readOnly, "PostgreSQL refused a write in a read-only transaction: \(text).", engineMessage: text,
                underlying: error)
        case _ where state.hasPrefix("28"), "3D000", "53300", "57P03":
            return DatabaseError(
                .connectionFailed, "PostgreSQL refused the connection: \(text); check the URL's credentials and database.",
                engineMessage: text, underlying: error)
        case _ where state.hasPrefix("08"), "57P01", "57P02":
            return DatabaseError(
                .connectionFailed,
                "PostgreSQL ended the connection: \(text); the statement may not have run, and the pool opens a new connection.",
                engineMessage: text, underlying: error)
        default:
            return DatabaseError(
                .queryFailed, "PostgreSQL failed the statement [\(state)]: \(text).", engineMessage: text,
                underlying: error)
        }
    }
}
