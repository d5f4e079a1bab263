import Foundation

/// One spreadsheet cell, typed.
///
/// Literals work where a cell is expected:
///
/// ```swift
/// let row: [XLSXCell] = ["Zoë", 42, 9.95, true, .date(Date()), .empty]
/// ```
public enum XLSXCell: Sendable, Hashable {
    /// Text.
    case string(String)
    /// A whole number (stored as a spreadsheet number: exact up to 2⁵³).
    case integer(Int)
    /// A number; must be finite.
    case number(Double)
    /// TRUE or FALSE.
    case bool(Bool)
    /// A date and time, shown with the workbook's date format.
    case date(Date)
    /// No value: the cell is left out.
    case empty
}

extension XLSXCell: ExpressibleByStringLiteral {
    /// A text cell.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension XLSXCell: ExpressibleByIntegerLiteral {
    /// A whole-number cell.
    public init(integerLiteral value: Int) { self = .integer(value) }
}

extension XLSXCell: ExpressibleByFloatLiteral {
    /// A number cell.
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension XLSXCell: ExpressibleByBooleanLiteral {
    /// A TRUE/FALSE cell.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension XLSXCell: ExpressibleByNilLiteral {
    /// An empty cell.
    public init(nilLiteral: ()) { self = .empty }
}

/// How a sheet is laid out: column widths and frozen rows and columns.
///
/// ```swift
/// let layout = XLSXSheetLayout(columnWidths: [8, 30, 12], frozenRows: 1)
/// ```
public struct XLSXSheetLayout: Sendable, Hashable {
    /// Widths of the first columns, in characters of the default font; `nil` keeps the
    /// default width for that column.
    public var columnWidths: [Double?]
    /// Rows at the top that stay in view when scrolling (1 for a header row).
    public var frozenRows: Int
    /// Columns at the left that stay in view when scrolling.
    public var frozenColumns: Int

    /// Creates a layout.
    public init(columnWidths: [Double?] = [], frozenRows: Int = 0, frozenColumns: Int = 0) {
        self.columnWidths = columnWidths
        self.frozenRows = max(0, frozenRows)
        self.frozenColumns = max(0, frozenColumns)
    }
}
