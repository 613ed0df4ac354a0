import Testing
@testable import SimOutput

@Suite("CSVDocument reads back what CSVTable writes")
struct CSVReaderTests {
  @Test("a rendered table with quotes, commas, line breaks and empty fields reads back field for field")
  func roundTrip() throws {
    var table = CSVTable(columns: ["time_s", "kind", "detail"])
    table.append([.number(1.5), .text("unavailable"), .text("FailedDiscoveryCheck (instance 0)")])
    table.append([.number(2), .text("a,b"), .text("say \"hi\"\nnext line")])
    table.append([.empty, .text(""), .text("x")])
    let document = try CSVDocument(parsing: table.rendered())
    #expect(document.columns == ["time_s", "kind", "detail"])
    #expect(document.rows == [["1.5", "unavailable", "FailedDiscoveryCheck (instance 0)"],
                              ["2.0", "a,b", "say \"hi\"\nnext line"],
                              ["", "", "x"]])
    #expect(document.column("detail") == 2 && document.column("nope") == nil)
  }

  @Test("CRLF line ends and a missing final line end are accepted")
  func lineEnds() throws {
    #expect(try CSVDocument(parsing: "a,b\r\n1,2\r\n3,4").rows == [["1", "2"], ["3", "4"]])
  }

  @Test("malformed text is refused with its line: a short row, an open quote, text after a quote, no header",
        arguments: [("a,b\n1,2\n3\n", "line 3: 1 fields, the header has 2"),
                    ("a,b\n1,\"2\n", "line 2: a quoted field is not closed"),
                    ("a\n\"x\"y\n", "line 2: text after a closing quote"),
                    ("a\nx\"y\n", "line 2: a quote inside an unquoted field"),
                    ("", "line 1: no header line")])
  func malformed(text: String, message: String) {
    #expect(throws: CSVDocument.ReadError.self) { try CSVDocument(parsing: text) }
    do { _ = try CSVDocument(parsing: text) } catch { #expect(error.description == message) }
  }
}
