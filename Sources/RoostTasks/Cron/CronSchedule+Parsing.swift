extension CronSchedule {
    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    mutating func parse() throws(CronParseError) {
        var text = expression.trimmingWhitespace()
        if text.hasPrefix("@") {
            guard let expanded = Self.macros[text.lowercased()] else {
                throw CronParseError(expression: expression, field: .expression, token: text, reason: .unknownMacro)
            }
            text = expanded
        }
        var fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 || fields.count == 6 else {
            throw CronParseError(
                expression: expression, field: .expression, token: text, reason: .wrongFieldCount(fields.count))
        }
        if fields.count == 5 { fields.insert("0", at: 0) }
        seconds = try parseField(fields[0], .second)
        minutes = try parseField(fields[1], .minute)
        hours = try parseField(fields[2], .hour)
        try parseDayOfMonth(fields[3])
        months = try parseField(fields[4], .month)
        try parseDayOfWeek(fields[5])
        isIntervalJob = fields[1].hasPrefix("*") || fields[2].hasPrefix("*")
    }

    private func error(_ field: CronParseError.Field, _ token: String, _ reason: CronParseError.Reason) -> CronParseError {
        CronParseError(expression: expression, field: field, token: token, reason: reason)
    }

    private static func bounds(of field: CronParseError.Field) -> ClosedRange<Int> {
        switch field {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        case .expression: 0...0
        }
    }

    /// A plain field: `*`, values, lists, ranges and steps.
    private func parseField(_ text: String, _ field: CronParseError.Field) throws(CronParseError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            bits |= try parseItem(item, field)
        }
        return bits
    }

    private func parseItem(_ item: String, _ field: CronParseError.Field) throws(CronParseError) -> UInt64 {
        guard !item.isEmpty else { throw error(field, item, .empty) }
        let bounds = Self.bounds(of: field)
        let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw error(field, item, .invalidStep) }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 1, value <= bounds.count else {
                throw error(field, item, .invalidStep)
            }
            step = value
        }
        let base = parts[0]
        var range: ClosedRange<Int>
        if base == "*" || (base == "?" && (field == .dayOfMonth || field == .dayOfWeek)) {
            range = field == .dayOfWeek ? 0...6 : bounds
        } else if let dash = base.firstIndex(of: "-") {
            let low = try value(String(base[..<dash]), field, in: item)
            let high = try value(String(base[base.index(after: dash)...]), field, in: item)
            guard low <= high else { throw error(field, item, .reversedRange) }
            range = low...high
        } else {
            let start = try value(base, field, in: item)
            range = parts.count == 2 ? start...bounds.upperBound : start...start
        }
        var bits: UInt64 = 0
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
            // Weekday 7 is Sunday, like 0.
            bits |= 1 << (field == .dayOfWeek && value == 7 ? 0 : value)
        }
        return bits
    }

    /// A number or name within the field's bounds.
    private func value(_ text: String, _ field: CronParseError.Field, in item: String) throws(CronParseError) -> Int {
        let bounds = Self.bounds(of: field)
        let upper = text.uppercased()
        if field == .month, let index = Self.monthNames.firstIndex(of: upper) { return index + 1 }
        if field == .dayOfWeek, let index = Self.weekdayNames.firstIndex(of: upper) { return index }
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let number = Int(text) else {
            throw error(field, item, .notAValue)
        }
        guard bounds.contains(number) else { throw error(field, item, .outOfRange(number, bounds)) }
        return number
    }

    private mutating func parseDayOfMonth(_ text: String) throws(CronParseError) {
        dayOfMonthIsWildcard = text.hasPrefix("*") || text.hasPrefix("?")
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let upper = item.uppercased()
            if upper == "L" {
                lastDayOffsets |= 1
            } else if upper == "LW" {
                lastWeekdayOfMonth = true
            } else if upper.hasPrefix("L-") {
                guard let offset = Int(upper.dropFirst(2)), (1...30).contains(offset) else {
                    throw error(.dayOfMonth, item, .invalidSpecial)
                }
                lastDayOffsets |= 1 << offset
            } else if upper.hasSuffix("W") {
                guard let day = Int(upper.dropLast()), (1...31).contains(day) else {
                    throw error(.dayOfMonth, item, .invalidSpecial)
                }
                nearestWeekdays |= 1 << day
            } else if upper.contains("L") || upper.contains("#") {
                throw error(.dayOfMonth, item, .invalidSpecial)
            } else {
                daysOfMonth |= try parseItem(item, .dayOfMonth)
            }
        }
    }

    private mutating func parseDayOfWeek(_ text: String) throws(CronParseError) {
        dayOfWeekIsWildcard = text.hasPrefix("*") || text.hasPrefix("?")
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let upper = item.uppercased()
            if let hash = upper.firstIndex(of: "#") {
                let weekday = try weekdayValue(String(upper[..<hash]), item: item)
                guard let ordinal = Int(upper[upper.index(after: hash)...]), (1...5).contains(ordinal) else {
                    throw error(.dayOfWeek, item, .invalidSpecial)
                }
                nthWeekdays |= 1 << (weekday * 5 + ordinal - 1)
            } else if upper.hasSuffix("L") {
                guard upper.count > 1, !upper.contains(where: { "/-,".contains($0) }) else {
                    throw error(.dayOfWeek, item, .invalidSpecial)
                }
                lastWeekdays |= 1 << (try weekdayValue(String(upper.dropLast()), item: item))
            } else {
                weekdays |= try parseItem(item, .dayOfWeek)
            }
        }
    }

    /// One weekday, by number (0-7) or name, for the `#` and `L` forms.
    private func weekdayValue(_ text: String, item: String) throws(CronParseError) -> Int {
        let uppercased = text.uppercased()
        if let index = Self.weekdayNames.firstIndex(of: uppercased) { return index }
        guard let number = Int(uppercased), (0...7).contains(number) else {
            throw error(.dayOfWeek, item, .invalidSpecial)
        }
        return number % 7
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
