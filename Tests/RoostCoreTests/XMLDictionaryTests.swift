import RoostCore
import Testing

@Suite struct XMLDictionaryTests {
    @Test func parsesElementsAttributesTextAndRepeats() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <xml>
              <return_code><![CDATA[SUCCESS]]></return_code>
              <total_fee>100</total_fee>
              <item id="1">apple</item>
              <item id="2">pear &amp; plum</item>
              <empty/>
              <meta version="2"/>
              <nested><a>1</a><b><c>deep</c></b></nested>
            </xml>
            """
        let value = try XMLDictionary.parse(xml)
        let expected: JSONValue = [
            "xml": [
                "return_code": "SUCCESS",
                "total_fee": "100",
                "item": [["@id": "1", "#text": "apple"], ["@id": "2", "#text": "pear & plum"]],
                "empty": nil,
                "meta": ["@version": "2"],
                "nested": ["a": "1", "b": ["c": "deep"]],
            ]
        ]
        #expect(value == expected)
    }

    @Test func serializesWithEscapingAndRoundTrips() throws {
        let value: JSONValue = [
            "order": [
                "@id": "a\"<1>'",
                "note": "fish & chips <hot>",
                "line": [["@sku": "x", "#text": "2"], ["@sku": "y", "#text": "3"]],
                "paid": true,
                "amount": 12,
                "gone": nil,
            ]
        ]
        let xml = XMLDictionary.serialize(value)
        #expect(
            xml
                == #"<order id="a&quot;&lt;1&gt;&apos;"><amount>12</amount><gone/><line sku="x">2</line><line sku="y">3</line><note>fish &amp; chips &lt;hot&gt;</note><paid>true</paid></order>"#
        )
        let back = try XMLDictionary.parse(xml)
        #expect(
            back == [
                "order": [
                    "@id": "a\"<1>'", "note": "fish & chips <hot>",
                    "line": [["@sku": "x", "#text": "2"], ["@sku": "y", "#text": "3"]],
                    "paid": "true", "amount": "12", "gone": nil,
                ]
            ])
    }

    @Test func nonObjectValuesAreWrappedInRoot() {
        #expect(XMLDictionary.serialize("text") == "<root>text</root>")
        #expect(XMLDictionary.serialize(["a": 1, "b": 2]) == "<root><a>1</a><b>2</b></root>")
    }

    @Test(arguments: ["", "<a>", "<a></b>", "<a><b></a></b>", "not xml", "<a x=1/>", "<a>&undefined;</a>", "<a/><b/>", "<a></a>junk"])
    func malformedXMLIsATypedError(xml: String) {
        #expect(throws: XMLDictionaryError.self) { try XMLDictionary.parse(xml) }
    }

    @Test func commentsAndWhitespaceAroundTheRootAreFine() throws {
        #expect(try XMLDictionary.parse("<!-- callback -->\n<a>1</a>  <!-- end -->\n") == ["a": "1"])
    }

    @Test func errorsSayWhere() {
        do {
            _ = try XMLDictionary.parse("<a>\n<b></a>")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "data.xml.malformed")
            #expect(error.line >= 2)
            #expect(error.message.contains("line"))
        }
    }
}
