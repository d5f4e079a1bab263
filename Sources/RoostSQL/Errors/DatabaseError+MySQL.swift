import RoostMySQL

extension DatabaseError {
    /// `error` as a ``DatabaseError`` when it comes from RoostMySQL, else nil.
    static func fromMySQL(_ error: any Error) -> DatabaseError? {
        switch error {
        case let error as MySQLServerError:
            return fromMySQLServer(error)
        case let error as MySQLPoolError:
            switch error.kind {
            case .timeout:
                return .poolTimeout(.mysql, underlying: error)
            case .shutdown:
                return .clientClosed(underlying: error)
            default:
                return DatabaseError(.connectionFailed, error.message, underlying: error)
            }
        case let error as MySQLConnectionError:
            return DatabaseError(
                .connectionFailed,
                "Could not talk to MySQL (\(error.message)); check that the server runs and the URL's host, port and credentials.",
                underlying: error)
        case let error as MySQLDecodingError:
            return DatabaseError(
                .decodingFailed, "A value did not decode: \(error.message); check column names and types.", underlying: error)
        case let error as MySQLProtocolError:
            return DatabaseError(.queryFailed, "The MySQL server answered unexpectedly: \(error.message).", underlying: error)
        case let error as MySQLStatementError:
            return DatabaseError(.queryFailed, error.message, underlying: error)
        default:
            return nil
        }
    }

    private static func fromMySQLServer(_ error: MySQLServerError) -> DatabaseError {
        let text = error.serverMessage
        switch error.errorCode {
        // 23xxx integrity violations, a missing value for a NOT NULL column without a
        // default (1364), and CHECK constraints (MariaDB 4025, MySQL 3819).
        case _ where error.sqlState.hasPrefix("23"), 1364, 3819, 4025:
            return DatabaseError(
                .constraintViolation, "MySQL refused the change: \(text).", engineMessage: text, underlying: error)
        // A write in a read-only transaction (1792) or on a read-only server (1290).
        case 1792, 1290:
            return DatabaseError(
                .readOnly, "MySQL refused a write: \(text).", engineMessage: text, underlying: error)
        // Access denied (1044, 1045), unknown database (1049), too many connections (1040).
        case 1040, 1044, 1045, 1049:
            return DatabaseError(
                .connectionFailed, "MySQL refused the connection: \(text); check the URL's credentials and database.",
                engineMessage: text, underlying: error)
        default:
            return DatabaseError(
                .queryFailed, "MySQL failed the statement [\(error.errorCode)]: \(text).", engineMessage: text,
                underlying: error)
        }
    }
}
