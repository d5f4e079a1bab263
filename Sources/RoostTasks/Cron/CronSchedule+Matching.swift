extension CronSchedule {
    /// The first local wall time at or after `localStart` that matches every field, or nil
    /// if none exists up to the end of `limitYear`.
    func firstMatch(atOrAfter localStart: Int64, limitYear: Int) -> Int64? {
        var time = CivilTime(localSeconds: localStart)
        var cachedMonth = (year: 0, month: 0, days: UInt64(0))
        while time.year <= limitYear {
            guard months.contains(time.month) else {
                time.moveToNextMonth()
                continue
            }
            if cachedMonth.year != time.year || cachedMonth.month != time.month {
                cachedMonth = (time.year, time.month, matchingDays(year: time.year, month: time.month))
            }
            guard let day = cachedMonth.days.first(atOrAfter: time.day) else {
                time.moveToNextMonth()
                continue
            }
            if day != time.day { time.setDay(day) }
            guard let hour = hours.first(atOrAfter: time.hour) else {
                time.setDay(day + 1)
                continue
            }
            if hour != time.hour { time.setHour(hour) }
            guard let minute = minutes.first(atOrAfter: time.minute) else {
                time.setHour(hour + 1)
                continue
            }
            if minute != time.minute { time.setMinute(minute) }
            guard let second = seconds.first(atOrAfter: time.second) else {
                time.setMinute(minute + 1)
                continue
            }
            time.second = second
            return time.localSeconds
        }
        return nil
    }

    /// The days of `month` in `year` that match the day-of-month and day-of-week fields,
    /// bit d for day d.
    func matchingDays(year: Int, month: Int) -> UInt64 {
        let length = CivilTime.daysInMonth(year: year, month: month)
        let allDays = (UInt64(1) << (length + 1)) - 2
        if dayOfMonthIsWildcard && dayOfWeekIsWildcard && daysOfMonth & allDays == allDays && weekdays == 0x7F {
            return allDays
        }
        let firstWeekday = CivilTime.weekday(year: year, month: month, day: 1)
        let byMonthDay = daysByDayOfMonth(length: length, firstWeekday: firstWeekday)
        let byWeekday = daysByWeekday(length: length, firstWeekday: firstWeekday)
        // Vixie cron: when either field starts with `*`, a day must match both; otherwise either.
        let either = !dayOfMonthIsWildcard && !dayOfWeekIsWildcard
        return (either ? byMonthDay | byWeekday : byMonthDay & byWeekday) & allDays
    }

    private func daysByDayOfMonth(length: Int, firstWeekday: Int) -> UInt64 {
        var days = daysOfMonth
        func weekday(of day: Int) -> Int { (firstWeekday + day - 1) % 7 }
        var offsets = lastDayOffsets
        while offsets != 0 {
            let offset = offsets.trailingZeroBitCount
            offsets &= offsets - 1
            if length - offset >= 1 { days |= 1 << (length - offset) }
        }
        var targets = nearestWeekdays
        while targets != 0 {
            let target = targets.trailingZeroBitCount
            targets &= targets - 1
            guard target <= length else { continue }
            var day = target
            switch weekday(of: target) {
            case 6: day = target == 1 ? 3 : target - 1
            case 0: day = target == length ? target - 2 : target + 1
            default: break
            }
            days |= 1 << day
        }
        if lastWeekdayOfMonth {
            switch weekday(of: length) {
            case 6: days |= 1 << (length - 1)
            case 0: days |= 1 << (length - 2)
            default: days |= 1 << length
            }
        }
        return days
    }

    private func daysByWeekday(length: Int, firstWeekday: Int) -> UInt64 {
        var days: UInt64 = 0
        for weekday in 0..<7 {
            let first = 1 + (weekday - firstWeekday + 7) % 7
            if weekdays.contains(weekday) {
                var day = first
                while day <= length {
                    days |= 1 << day
                    day += 7
                }
            }
            if lastWeekdays.contains(weekday) { days |= 1 << (first + (length - first) / 7 * 7) }
            for ordinal in 1...5 where nthWeekdays.contains(weekday * 5 + ordinal - 1) {
                let day = first + 7 * (ordinal - 1)
                if day <= length { days |= 1 << day }
            }
        }
        return days
    }
}

extension UInt64 {
    func contains(_ bit: Int) -> Bool { bit >= 0 && bit < 64 && self & (1 << bit) != 0 }

    /// The lowest set bit at or above `bit`.
    func first(atOrAfter bit: Int) -> Int? {
        guard bit < 64 else { return nil }
        let masked = self & (~UInt64(0) << Swift.max(bit, 0))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }
}

extension CivilTime {
    mutating func moveToNextMonth() {
        if month == 12 {
            year += 1
            month = 1
        } else {
            month += 1
        }
        day = 1
        hour = 0
        minute = 0
        second = 0
    }

    /// Sets the day (which may run past the month's end: the month's day mask then finds
    /// nothing and the search moves on) and resets the time of day.
    mutating func setDay(_ newDay: Int) {
        day = newDay
        hour = 0
        minute = 0
        second = 0
    }

    mutating func setHour(_ newHour: Int) {
        hour = newHour
        minute = 0
        second = 0
    }

    mutating func setMinute(_ newMinute: Int) {
        minute = newMinute
        second = 0
    }
}
