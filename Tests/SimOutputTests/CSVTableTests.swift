import Foundation
import Testing
@testable import SimOutput

@Suite("CSV tables")
struct CSVTableTests {
  @Test("fields with a comma, a quote, CR or LF are quoted and inner quotes doubled; others are not")
  func quoting() {
    #expect(CSVTable.quoted("plain text") == "plain text")
    #expect(CSVTable.quoted("a,b") == "\"a,b\"")
    #expect(CSVTable.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSVTable.quoted("line1\nline2") == "\"line1\nline2\"")
    #expect(CSVTable.quoted("crlf\r\nend") == "\"crlf\r\nend\"")
    #expect(CSVTable.quoted("cr\rend") == "\"cr\rend\"")
    #expect(CSVTable.quoted("\"") == "\"\"\"\"")
    #expect(CSVTable.quoted("") == "")
    #expect(CSVTable.quoted("naïve ☃ ; tab\t") == "naïve ☃ ; tab\t")
  }

  @Test("numbers render as shortest round-trip decimals; NaN empty, infinities inf/-inf, -0.0 as 0.0")
  func numberFormatting() {
    #expect(CSVValue.number(0.1).unquoted == "0.1")
    #expect(CSVValue.number(1e-9).unquoted == "1e-09")
    #expect(CSVValue.number(123456789.125).unquoted == "123456789.125")
    #expect(CSVValue.number(.nan).unquoted == "")
    #expect(CSVValue.number(.infinity).unquoted == "inf")
    #expect(CSVValue.number(-.infinity).unquoted == "-inf")
    #expect(CSVValue.number(-0.0).unquoted == "0.0")
    #expect(CSVValue.number(0.0).unquoted == "0.0")
    #expect(CSVValue.number(2.0).unquoted == "2.0")
    #expect(CSVValue.number(1e16).unquoted == "1e+16")
    #expect(CSVValue.number(Double(Int64.max)).unquoted == "9.223372036854776e+18")
    #expect(CSVValue.integer(Int64.max).unquoted == "9223372036854775807")
    #expect(CSVValue.integer(Int64.min).unquoted == "-9223372036854775808")
    #expect(CSVValue.number(nil as Double?) == .empty)
  }

  @Test("every finite number reads back as the identical Double", arguments: [
    0.1, 1e-9, 123456789.125, 1.0 / 3.0, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, -2.5e-7,
    4.302652729749462,
  ])
  func numbersRoundTrip(x: Double) {
    #expect(Double(CSVValue.number(x).unquoted) == x)
  }

  @Test("a table renders its header and rows with \\n line ends and quoted fields")
  func renderedTable() {
    var table = CSVTable(columns: ["scope", "latency_p99_s", "n", "note"])
    table.append([.text("kubectl"), .number(0.25), .integer(3), .empty])
    table.append(["a,b", 1e-9, 7, "he said \"no\"\nthen left"])
    table.append([.text(""), .number(.nan), .integer(-1), .number(-.infinity)])
    #expect(
      table.rendered() == """
        scope,latency_p99_s,n,note
        kubectl,0.25,3,
        "a,b",1e-09,7,"he said ""no""
        then left"
        ,,-1,-inf

        """)
    #expect(table.renderedBytes() == Array(table.rendered().utf8))
  }

  @Test("a header that needs quoting is quoted too; an empty table is just the header line")
  func headerOnly() {
    let table = CSVTable(columns: ["a", "b,c"])
    #expect(table.rendered() == "a,\"b,c\"\n")
  }

  @Test("the four schemas have the columns of DESIGN §5, in order")
  func schemas() {
    #expect(
      OutputSchema.summary.columnNames == [
        "sweep_point", "replication", "scope_kind", "scope", "metric", "unit", "value", "mean", "ci95_low",
        "ci95_high", "n", "min", "max",
      ])
    #expect(
      OutputSchema.timeseries.columnNames == [
        "sweep_point", "replication", "time_s", "scope_kind", "scope", "metric", "value",
      ])
    #expect(OutputSchema.events.columnNames == ["sweep_point", "replication", "time_s", "kind", "subject", "detail"])
    #expect(
      OutputSchema.requests.columnNames == [
        "sweep_point", "replication", "request", "client", "api_service", "kind", "start_s", "end_s", "latency_s",
        "status", "reason", "attempts", "stage_throttle_s", "stage_retry_backoff_s", "stage_network_out_s",
        "stage_filters_s", "stage_apf_queue_s", "stage_connection_wait_s", "stage_pod_queue_s", "stage_service_s",
        "stage_network_back_s",
      ])
    #expect(OutputSchema.all.map(\.fileName) == ["summary.csv", "timeseries.csv", "events.csv", "requests.csv", "findings.csv"])
    #expect(CSVTable(schema: OutputSchema.events).rendered() == "sweep_point,replication,time_s,kind,subject,detail\n")
    #expect(OutputSchema.summary.index(of: "ci95_low") == 8)
  }

  @Test("a schema renders as a Markdown table of its columns for the README")
  func schemaMarkdown() {
    let schema = CSVSchema(fileName: "x.csv", columns: [.init("time_s", "when, seconds"), .init("a|b", "pipe | here")])
    #expect(
      schema.markdown == "| column | meaning |\n|---|---|\n| `time_s` | when, seconds |\n| `a\\|b` | pipe \\| here |\n")
  }

  /// The README documents every output file's columns with the schema's own table, so that the
  /// two cannot drift apart (events.csv's `kind` and `subject` once had: the README listed the
  /// namespace and `instance_ready` rows, the schema did not).
  @Test("the README's column table of every output file is its schema's")
  func readmeTablesAreTheSchemas() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("README.md").path
    let readme = try String(contentsOfFile: path, encoding: .utf8)
    for schema in OutputSchema.all {
      #expect(readme.contains(schema.markdown), "README.md lacks \(schema.fileName)'s table as OutputSchema has it")
    }
  }
}
