import AggregationModel
import Foundation
import SimOutput
import Testing

/// `requests.csv`'s stage columns: named after the model's stages, and each row's stages add up
/// to its latency in the file the built binary writes.
@Suite("request stages in requests.csv")
struct RequestStageColumnsTests {
  @Test("requests.csv has a stage_<name>_s column for every RequestStage, in its order, after attempts")
  func columnsNameTheStages() throws {
    let names = OutputSchema.requests.columnNames
    let first = try #require(names.firstIndex(of: "attempts")) + 1
    #expect(Array(names[first...]) == RequestStage.allCases.map { "stage_\($0.name)_s" })
  }

  /// The stage columns, start_s, end_s and latency_s are exact decimals of nanoseconds: the
  /// stages add up to the latency, and the latency is end − start, to the nanosecond.
  @Test("in the quickstart's requests.csv every request's stages add up to its latency")
  func stagesAddUpInTheFile() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--replications", "1", "--trace-sampling", "1",
                                            "--set", "spec.run.duration=70s", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/quickstart/requests.csv"))
    let names = OutputSchema.requests.columnNames
    let latency = try #require(names.firstIndex(of: "latency_s")), stages = try #require(names.firstIndex(of: "stage_throttle_s"))
    #expect(rows.count > 500)
    let start = try #require(names.firstIndex(of: "start_s")), end = try #require(names.firstIndex(of: "end_s"))
    for row in rows {
      let sum = row[stages...].map { Self.nanoseconds($0) }.reduce(0, +)
      #expect(sum == Self.nanoseconds(row[latency]), "\(row)")
      #expect(Self.nanoseconds(row[end]) - Self.nanoseconds(row[start]) == Self.nanoseconds(row[latency]), "\(row)")
    }
  }

  /// A non-negative decimal of seconds with at most nine fractional digits (`12`, `0.000000345`),
  /// in nanoseconds; -1 for anything else (such as a double's `1.0000000000000002`).
  static func nanoseconds(_ field: Substring) -> Int64 {
    let parts = field.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let whole = Int64(parts[0]) else { return -1 }
    guard parts.count == 2 else { return whole * 1_000_000_000 }
    guard parts[1].count <= 9, let fraction = Int64(parts[1] + String(repeating: "0", count: 9 - parts[1].count)) else { return -1 }
    return whole * 1_000_000_000 + fraction
  }
}
