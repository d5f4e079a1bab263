import RoostCore

/// Why a workbook could not be written.
public struct XLSXError: RoostError, Equatable {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// A sheet name is empty, longer than 31 characters, contains one of `: \ / ? * [ ]`,
        /// starts or ends with an apostrophe, or repeats another sheet's name.
        case invalidSheetName(String)
        /// A row or cell was written before any sheet was started.
        case noSheet
        /// The sheet already has the most rows a spreadsheet holds (1,048,576).
        case tooManyRows(sheet: String)
        /// A row has more cells than a spreadsheet holds (16,384).
        case tooManyColumns(sheet: String, count: Int)
        /// A number is infinite or not a number, which spreadsheets cannot store.
        case invalidNumber(sheet: String, row: Int, column: Int)
        /// Text holds a character XML 1.0 cannot carry (a control character other than
        /// tab, LF and CR, or U+FFFE/U+FFFF), and the writer is set to reject them.
        case invalidCharacter(sheet: String, row: Int, column: Int, scalar: UInt32)
        /// The writer was used after ``XLSXWriter/finish()`` or after a failed write.
        case finished
        /// A temporary file or the output file could not be written; see the cause.
        case writeFailed(path: String)
    }

    /// What went wrong.
    public let reason: Reason
    /// The lower-level error, when there is one.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(_ reason: Reason, underlying: (any Error)? = nil) {
        self.reason = reason
        self.underlying = underlying
    }

    /// Stable codes under `export.xlsx.`.
    public var code: ErrorCode {
        switch reason {
        case .invalidSheetName: "export.xlsx.invalid_sheet_name"
        case .noSheet: "export.xlsx.no_sheet"
        case .tooManyRows: "export.xlsx.too_many_rows"
        case .tooManyColumns: "export.xlsx.too_many_columns"
        case .invalidNumber: "export.xlsx.invalid_number"
        case .invalidCharacter: "export.xlsx.invalid_character"
        case .finished: "export.xlsx.finished"
        case .writeFailed: "export.xlsx.write_failed"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .invalidSheetName(let name):
            "\(String(reflecting: name)) cannot name a sheet; use 1 to 31 characters without : \\ / ? * [ ], not starting or ending with ', and unique in the workbook."
        case .noSheet:
            "No sheet has been started; call startSheet(_:) before writing rows."
        case .tooManyRows(let sheet):
            "Sheet \(String(reflecting: sheet)) already has 1,048,576 rows, the most a spreadsheet holds; start another sheet."
        case .tooManyColumns(let sheet, let count):
            "A row of sheet \(String(reflecting: sheet)) has \(count) cells; a spreadsheet holds at most 16,384 columns."
        case .invalidNumber(let sheet, let row, let column):
            "The number at row \(row), column \(column) of sheet \(String(reflecting: sheet)) is infinite or NaN; write it as text or leave the cell empty."
        case .invalidCharacter(let sheet, let row, let column, let scalar):
            "The text at row \(row), column \(column) of sheet \(String(reflecting: sheet)) contains U+\(String(scalar, radix: 16, uppercase: true)), which XLSX (XML) cannot store; remove it or create the writer with invalidCharacters: .strip."
        case .finished:
            "The workbook is already finished (or a previous write failed); create a new XLSXWriter."
        case .writeFailed(let path):
            "Writing \(path) failed; see the cause (disk full, permissions, missing directory)."
        }
    }

    /// Compares reasons; the underlying error is not compared.
    public static func == (lhs: XLSXError, rhs: XLSXError) -> Bool { lhs.reason == rhs.reason }
}
