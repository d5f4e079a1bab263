import RoostTasks
import Testing

@Suite struct CronParseErrorTests {
    typealias Field = CronParseError.Field

    @Test(arguments: [
        ("* * * *", Field.expression, "* * * *", CronParseError.Reason.wrongFieldCount(4)),
        ("* * * * * * *", .expression, "* * * * * * *", .wrongFieldCount(7)),
        ("", .expression, "", .wrongFieldCount(0)),
        ("@reboot", .expression, "@reboot", .unknownMacro),
        ("@every5m", .expression, "@every5m", .unknownMacro),
        ("61 * * * *", .minute, "61", .outOfRange(61, 0...59)),
        ("60 * * * * *", .second, "60", .outOfRange(60, 0...59)),
        ("* 24 * * *", .hour, "24", .outOfRange(24, 0...23)),
        ("* * 0 * *", .dayOfMonth, "0", .outOfRange(0, 1...31)),
        ("* * 32 * *", .dayOfMonth, "32", .outOfRange(32, 1...31)),
        ("* * * 13 *", .month, "13", .outOfRange(13, 1...12)),
        ("* * * 0-3 *", .month, "0-3", .outOfRange(0, 1...12)),
        ("* * * * 8", .dayOfWeek, "8", .outOfRange(8, 0...7)),
        ("* * * JANUARY *", .month, "JANUARY", .notAValue),
        ("* * * * FUN", .dayOfWeek, "FUN", .notAValue),
        ("* * * * JAN", .dayOfWeek, "JAN", .notAValue),
        ("* * * MON *", .month, "MON", .notAValue),
        ("-5 * * * *", .minute, "-5", .notAValue),
        ("5- * * * *", .minute, "5-", .notAValue),
        ("+5 * * * *", .minute, "+5", .notAValue),
        ("1,,2 * * * *", .minute, "", .empty),
        ("50-10 * * * *", .minute, "50-10", .reversedRange),
        ("* * * * FRI-MON", .dayOfWeek, "FRI-MON", .reversedRange),
        ("*/0 * * * *", .minute, "*/0", .invalidStep),
        ("*/61 * * * *", .minute, "*/61", .invalidStep),
        ("*/x * * * *", .minute, "*/x", .invalidStep),
        ("1/2/3 * * * *", .minute, "1/2/3", .invalidStep),
        ("? * * * *", .minute, "?", .notAValue),
        ("* * L-31 * *", .dayOfMonth, "L-31", .invalidSpecial),
        ("* * 32W * *", .dayOfMonth, "32W", .invalidSpecial),
        ("* * 5L * *", .dayOfMonth, "5L", .invalidSpecial),
        ("* * 1#2 * *", .dayOfMonth, "1#2", .invalidSpecial),
        ("* * L/2 * *", .dayOfMonth, "L/2", .invalidSpecial),
        ("* * * * L", .dayOfWeek, "L", .invalidSpecial),
        ("* * * * 8L", .dayOfWeek, "8L", .invalidSpecial),
        ("* * * * 1-5L", .dayOfWeek, "1-5L", .invalidSpecial),
        ("* * * * MON#6", .dayOfWeek, "MON#6", .invalidSpecial),
        ("* * * * 1#0", .dayOfWeek, "1#0", .invalidSpecial),
        ("* * * * XYZ#1", .dayOfWeek, "XYZ#1", .invalidSpecial),
    ])
    func badExpressionsThrowTheTypedError(
        expression: String, field: Field, token: String, reason: CronParseError.Reason
    ) {
        #expect(throws: CronParseError(expression: expression, field: field, token: token, reason: reason)) {
            try CronSchedule(expression)
        }
    }

    @Test func messageNamesFieldTokenAndWhatIsAllowed() throws {
        let error = try #require(throws: CronParseError.self) { try CronSchedule("0 9 * * MON#9") }
        #expect(error.code == "tasks.cron.invalid_expression")
        #expect(error.message.contains("\"MON#9\""))
        #expect(error.message.contains("day-of-week field"))
        #expect(error.message.contains("d#k"))
        #expect(error.message.contains("\"0 9 * * MON#9\""))
        let count = try #require(throws: CronParseError.self) { try CronSchedule("0 9 *") }
        #expect(count.message.contains("3 fields"))
        #expect(count.message.contains("@hourly"))
        let range = try #require(throws: CronParseError.self) { try CronSchedule("0 25 * * *") }
        #expect(range.message.contains("25 is outside 0-23"))
        #expect("\(range)".hasPrefix("[tasks.cron.invalid_expression]"))
    }

    @Test(arguments: [
        "  */5  *\t* * *  ", "0 0 1-31/2 * ?", "0 0 L,LW,15W,L-3 * *", "0 0 * * sun#1,Sat#5,3L", "0 12 * 1-12/3 1-5",
        "0 0 0 1 1 ?", "@Weekly",
    ])
    func goodExpressionsParse(expression: String) throws {
        let schedule = try CronSchedule(expression)
        #expect(schedule.description == expression)
        #expect(schedule.next(after: date("2024-01-01T00:00:00Z"), in: utc) != nil)
    }
}
