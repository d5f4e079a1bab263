/// A real PNG image made in memory, for uploads a browser must decode: 8-bit RGB, one
/// uncompressed (stored) deflate block, so no compression library is needed.
enum SamplePNG {
    /// A `size` × `size` picture: a warm gradient with a light disc in the middle.
    static func make(size: Int = 96) -> [UInt8] {
        precondition(size > 0 && size <= 147, "one stored deflate block holds at most 65,535 bytes")
        var pixels: [UInt8] = []
        let centre = Double(size) / 2
        for y in 0..<size {
            pixels.append(0)  // filter type: none
            for x in 0..<size {
                let dx = Double(x) - centre, dy = Double(y) - centre
                if dx * dx + dy * dy < centre * centre * 0.35 {
                    pixels += [250, 240, 215]
                } else {
                    pixels += [UInt8(200 + 50 * x / size), UInt8(90 + 80 * y / size), 60]
                }
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(size)) + bigEndian(UInt32(size))
        header += [8, 2, 0, 0, 0]  // bit depth 8, RGB, deflate, adaptive filters, no interlace
        var zlib: [UInt8] = [0x78, 0x01, 0x01]  // zlib header; final stored block
        let length = UInt16(pixels.count)
        zlib += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        zlib += pixels + bigEndian(adler32(pixels))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
